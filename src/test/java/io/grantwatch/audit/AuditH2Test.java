package io.grantwatch.audit;

import io.grantwatch.testing.TestDatabase;

class AuditH2Test extends AuditContract {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2();
    }
}
