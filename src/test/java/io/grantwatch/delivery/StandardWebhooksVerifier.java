package io.grantwatch.delivery;

import io.grantwatch.Json;
import io.grantwatch.testing.Receiver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference verifier of Standard Webhooks (the npm package {@code standardwebhooks}, version
 * pinned in src/test/resources/standardwebhooks), run with node, so that our signatures are checked
 * by someone else's code. Installed with {@code npm ci} into target/standardwebhooks on first use.
 * Tests that use it are skipped when node or npm is missing.
 */
final class StandardWebhooksVerifier {
    private static final Path HOME = Path.of("target", "standardwebhooks");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "verify.js");

    private StandardWebhooksVerifier() {}

    /** One line per request: "ok", or "refused: why". */
    static List<String> verify(String secret, List<Receiver.Request> requests) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Receiver.Request request : requests) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("secret", secret);
            item.put("headers", request.headers());
            item.put("body", request.body());
            items.add(item);
        }
        return run(Json.write(items));
    }

    private static synchronized void install() {
        if (!onPath("node") || !onPath("npm")) {
            Assumptions.abort("node and npm are needed to run the Standard Webhooks reference verifier "
                    + "(Debian: apt-get install -y nodejs npm)");
        }
        try {
            Files.createDirectories(HOME);
            for (String file : FILES) {
                try (InputStream in = StandardWebhooksVerifier.class.getResourceAsStream("/standardwebhooks/" + file)) {
                    Files.copy(in, HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (Files.isDirectory(HOME.resolve("node_modules/standardwebhooks"))) {
                return;
            }
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                    .directory(HOME.toFile()).redirectErrorStream(true).start();
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new AssertionError("npm ci of standardwebhooks failed:\n" + output);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot install the standardwebhooks verifier: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> run(String input) {
        install();
        try {
            Process node = new ProcessBuilder("node", "verify.js").directory(HOME.toFile()).redirectErrorStream(true).start();
            node.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            node.getOutputStream().close();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(1, TimeUnit.MINUTES) || node.exitValue() != 0) {
                throw new AssertionError("node verify.js failed:\n" + output);
            }
            return output.isEmpty() ? List.of() : List.of(output.strip().split("\n"));
        } catch (IOException e) {
            throw new AssertionError("cannot run node: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
