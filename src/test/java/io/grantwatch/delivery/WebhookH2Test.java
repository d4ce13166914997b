package io.grantwatch.delivery;

import io.grantwatch.testing.TestDatabase;

class WebhookH2Test extends WebhookContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
