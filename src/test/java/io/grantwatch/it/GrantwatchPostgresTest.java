package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class GrantwatchPostgresTest extends GrantwatchContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
