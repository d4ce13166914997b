package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class RegularScheduleH2Test extends RegularScheduleContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
