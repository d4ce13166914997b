package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;

class ScenarioPostgresTest extends ScenarioContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
