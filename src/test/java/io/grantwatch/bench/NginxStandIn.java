package io.grantwatch.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * nginx on loopback as Atlassian's stand-in for {@code accessible-resources}: every request gets the
 * fixture's answer, whatever the token, from a process outside the JVM, so that a capacity measured
 * against it is not bounded by the in-JVM simulator's Jetty. It knows nothing of grants, tokens or
 * tails: a capacity run only. Needs nginx ({@code apt-get install nginx-light}); started and stopped
 * by the benchmark.
 */
final class NginxStandIn implements AutoCloseable {
    private static final String FIXTURE = "/fixtures/accessible-resources-jira.json";
    private final Process process;
    private final int port;

    private NginxStandIn(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** @param nginx the nginx binary, e.g. {@code /usr/sbin/nginx} */
    static NginxStandIn start(String nginx) throws Exception {
        Path prefix = Files.createTempDirectory("grantwatch-nginx");
        Path answer = prefix.resolve("www/oauth/token/accessible-resources");
        Files.createDirectories(answer.getParent());
        try (var fixture = NginxStandIn.class.getResourceAsStream(FIXTURE)) {
            Files.write(answer, fixture.readAllBytes());
        }
        // Started as root, nginx's worker runs as another user (nobody, www-data): it must be able to read the
        // answer, or every check gets nginx's 403 page (a transient failure) and the capacity measured is that of failures.
        for (Path path = answer; path.startsWith(prefix); path = path.getParent()) {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // One worker: the other core is grantwatch's. Keep-alive without limit, as Atlassian's gateway keeps connections.
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; }
                http {
                    access_log off;
                    keepalive_requests 100000000;
                    keepalive_timeout 300s;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp;
                    fastcgi_temp_path %1$s/tmp;
                    uwsgi_temp_path %1$s/tmp;
                    scgi_temp_path %1$s/tmp;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                        default_type application/json;
                    }
                }
                """.formatted(prefix, port));
        Files.createDirectories(prefix.resolve("tmp"));
        Process process = new ProcessBuilder(nginx, "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        NginxStandIn standIn = new NginxStandIn(process, port);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> standIn.listening() || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            // handled below: not listening
        }
        if (!standIn.listening()) {
            standIn.close();
            throw new IllegalStateException("nginx did not start; see " + prefix.resolve("stdout.log") + " and error.log");
        }
        return standIn;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
