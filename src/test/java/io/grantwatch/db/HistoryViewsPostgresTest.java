package io.grantwatch.db;

import io.grantwatch.testing.TestDatabase;

class HistoryViewsPostgresTest extends HistoryViewsContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
