package io.grantwatch.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The dashboard: a static page from the classpath folder {@code /web}, served at {@code /} without
 * an API key, and Chart.js from its webjar. The page itself holds no data; it calls the {@code /v1}
 * API with the key the user types in, so the API's authorization is all the protection it needs.
 */
public final class Dashboard {
    /** Same-origin scripts only: nothing from elsewhere runs, even if a site name carries markup. */
    private static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    private Dashboard() {}

    public static void serve(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of(
                    "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer",
                    // The page is small; always fresh means a new release is seen without a hard reload.
                    "Cache-Control", "no-cache");
        });
        config.staticFiles.enableWebjars();
    }
}
