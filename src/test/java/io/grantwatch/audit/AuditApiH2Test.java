package io.grantwatch.audit;

import io.grantwatch.testing.TestDatabase;

class AuditApiH2Test extends AuditApiContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
