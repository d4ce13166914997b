package io.grantwatch.it;

import java.sql.SQLException;
import java.util.UUID;
import org.h2.tools.Server;

class DatabaseDownH2Test extends DatabaseDownContract {
    private Server server;

    @Override
    int targetPort() {
        try {
            server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server.getPort();
    }

    @Override
    Target database(int linkPort) {
        String name = "gw_" + UUID.randomUUID().toString().replace("-", "");
        return new Target("jdbc:h2:tcp://127.0.0.1:" + linkPort + "/mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "",
                server::stop);
    }
}
