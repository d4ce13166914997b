package io.grantwatch.cli;

import io.grantwatch.client.DaemonClient;
import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigException;
import io.grantwatch.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command finds the running daemon: from the daemon's own configuration file (its
 * {@code http.port} and {@code http.apiKey}), or from {@code --url} with the key in
 * {@code GRANTWATCH_HTTP_APIKEY}. Without either, {@code config/grantwatch.yaml} or the defaults.
 */
final class ClientOptions {
    static final String API_KEY_VARIABLE = ConfigLoader.envName("http.apiKey");

    @Option(names = "--config", paramLabel = "FILE", description = "the daemon's YAML configuration, to find its port and API key")
    Path config;

    @Option(names = "--url", paramLabel = "URL",
            description = "the daemon's address, such as http://127.0.0.1:8080; the API key comes from GRANTWATCH_HTTP_APIKEY")
    URI url;

    @Option(names = "--json", description = "print the daemon's JSON answer instead of a table, for scripts")
    boolean json;

    DaemonClient client(Map<String, String> env) {
        if (url != null) {
            if (config != null) {
                throw new ConfigException("give --config or --url, not both");
            }
            return new DaemonClient(url, blankToNull(env.get(API_KEY_VARIABLE)));
        }
        Config daemon = ConfigLoader.load(config, env);
        String host = daemon.http().host();
        // The daemon listens on every interface by default; it is reached on this machine through loopback.
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return new DaemonClient(URI.create("http://" + host + ":" + daemon.http().port()), daemon.http().apiKey());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
