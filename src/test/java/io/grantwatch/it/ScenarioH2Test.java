package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;
import java.nio.file.Path;

class ScenarioH2Test extends ScenarioContract {
    /** A file, not memory: the database must outlive the process that is killed. */
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2File(dir.resolve("h2"));
    }
}
