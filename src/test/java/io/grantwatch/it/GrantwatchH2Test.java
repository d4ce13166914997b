package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class GrantwatchH2Test extends GrantwatchContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
