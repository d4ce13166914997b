package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS receivers: the sender connects to the address it checked and still verifies the certificate
 * against the url's host name, so pinning the address costs no TLS check. The receiver's certificate
 * is made by keytool for {@code receiver.test}; a resolver maps every name to loopback.
 */
class ReceiverTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path folder;
    static HttpsServer server;
    static SSLContext client;
    static final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path store = folder.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=receiver.test",
                "-ext", "SAN=dns:receiver.test", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static WebhookSender sender() {
        ReceiverGuard loopback = new ReceiverGuard(true, host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
        return new WebhookSender(Duration.ofSeconds(5), loopback, client);
    }

    @Test
    void aReceiverWhoseCertificateNamesTheUrlsHostIsDelivered() throws Exception {
        int port = server.getAddress().getPort();
        try (WebhookSender sender = sender()) {
            WebhookSender.Result result = sender.post("https://receiver.test:" + port + "/hook", "application/json", "{}", Map.of());
            assertThat(result.outcome()).as(String.valueOf(result.error())).isEqualTo(WebhookSender.DELIVERED);
        }
        assertThat(hosts).contains("receiver.test:" + port);
    }

    @Test
    void aCertificateForAnotherNameIsRefusedThoughTheAddressIsTheSame() throws Exception {
        int port = server.getAddress().getPort();
        int before = hosts.size();
        try (WebhookSender sender = sender()) {
            WebhookSender.Result result = sender.post("https://impostor.test:" + port + "/hook", "application/json", "{}", Map.of());
            assertThat(result.outcome()).isEqualTo(WebhookSender.FAILED);
            assertThat(result.error()).contains("SSL");
        }
        assertThat(hosts).hasSize(before);
    }
}
