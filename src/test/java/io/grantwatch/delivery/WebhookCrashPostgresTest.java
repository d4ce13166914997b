package io.grantwatch.delivery;

import io.grantwatch.testing.TestDatabase;

class WebhookCrashPostgresTest extends WebhookCrashContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }

    /** A commit is durable once PostgreSQL acknowledges it: only the attempt in flight at the kill comes again. */
    @Override
    int repeatsAllowed() {
        return 1;
    }
}
