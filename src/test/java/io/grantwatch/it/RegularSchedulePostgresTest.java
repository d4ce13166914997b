package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class RegularSchedulePostgresTest extends RegularScheduleContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
