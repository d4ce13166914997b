package io.grantwatch.connect;

import io.grantwatch.testing.TestDatabase;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectH2Test extends ConnectContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
