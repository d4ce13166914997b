package io.grantwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback between grantwatch and its database, so that a test can take the
 * database away ({@link #cut}: the port closes and every connection drops) and give it back
 * ({@link #restore}, on the same port). Thread-safe.
 */
public final class TcpLink implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile int port;
    private volatile ServerSocket listener;

    public TcpLink(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listen(0);
    }

    public int port() {
        return port;
    }

    /** The port closes and every forwarded connection is dropped, as when the database host goes away. */
    public synchronized void cut() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closed already
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
        sockets.clear();
    }

    public synchronized void restore() {
        listen(port);
    }

    private void listen(int onPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            listener = server;
            port = server.getLocalPort();
            Thread.ofVirtual().start(() -> accept(server));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + onPort, e);
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!keep(server, client)) {
                    return;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                if (!keep(server, upstream)) {
                    client.close();
                    return;
                }
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Registers a socket for {@link #cut}, unless the cut came first (between accept and here): then the
     * socket is closed, so that no connection outlives a cut.
     */
    private synchronized boolean keep(ServerSocket server, Socket socket) throws IOException {
        if (server.isClosed()) {
            socket.close();
            return false;
        }
        sockets.add(socket);
        return true;
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // one side went away
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    @Override
    public void close() {
        cut();
    }
}
