package io.grantwatch.api;

import io.grantwatch.testing.TestDatabase;

class ApiFuzzPostgresTest extends ApiFuzzContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
