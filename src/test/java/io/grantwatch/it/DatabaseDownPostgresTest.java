package io.grantwatch.it;

import io.grantwatch.testing.TestDatabase;
import java.net.URI;

class DatabaseDownPostgresTest extends DatabaseDownContract {
    private TestDatabase database;
    private URI server;

    @Override
    int targetPort() {
        database = TestDatabase.postgres();
        server = URI.create(database.url().substring("jdbc:".length()));
        return server.getPort() < 0 ? 5432 : server.getPort();
    }

    @Override
    Target database(int linkPort) {
        String url = database.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + linkPort + "/");
        return new Target(url, database.username(), database.password(), database::close);
    }
}
