package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class TokenRefreshPostgresTest extends TokenRefreshContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
