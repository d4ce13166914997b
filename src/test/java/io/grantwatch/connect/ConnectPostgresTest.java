package io.grantwatch.connect;

import io.grantwatch.testing.TestDatabase;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectPostgresTest extends ConnectContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
