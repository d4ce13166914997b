package io.grantwatch.audit;

import io.grantwatch.testing.TestDatabase;

class AuditPostgresTest extends AuditContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
