package io.grantwatch.delivery;

import io.grantwatch.testing.TestDatabase;

class WebhookPostgresTest extends WebhookContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
