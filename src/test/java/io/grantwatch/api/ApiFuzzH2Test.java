package io.grantwatch.api;

import io.grantwatch.testing.TestDatabase;

class ApiFuzzH2Test extends ApiFuzzContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
