package io.grantwatch.db;

import io.grantwatch.testing.TestDatabase;

class RowMappingH2Test extends RowMappingContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
