package io.grantwatch.audit;

import io.grantwatch.testing.TestDatabase;

class AuditApiPostgresTest extends AuditApiContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }
}
