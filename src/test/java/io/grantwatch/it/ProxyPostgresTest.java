package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;

class ProxyPostgresTest extends ProxyContract {
    @BeforeAll
    static void start() {
        startWith(TestDatabase.postgres());
    }
}
