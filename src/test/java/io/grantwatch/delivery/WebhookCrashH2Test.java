package io.grantwatch.delivery;

import io.grantwatch.testing.TestDatabase;

class WebhookCrashH2Test extends WebhookCrashContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2File(dir.resolve("h2"));
    }

    /**
     * Embedded H2 writes committed work to its file about once a second, so a SIGKILL can undo the
     * cursor moves of the last second: those events (about 17 at 60 ms each) are delivered again.
     */
    @Override
    int repeatsAllowed() {
        return 25;
    }
}
