package io.grantwatch.db;

import io.grantwatch.testing.TestDatabase;

class HistoryViewsH2Test extends HistoryViewsContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
