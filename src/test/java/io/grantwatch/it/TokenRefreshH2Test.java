package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class TokenRefreshH2Test extends TokenRefreshContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
