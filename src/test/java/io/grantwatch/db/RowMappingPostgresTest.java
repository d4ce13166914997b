package io.grantwatch.db;

import io.grantwatch.testing.TestDatabase;

class RowMappingPostgresTest extends RowMappingContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
