package io.grantwatch.api;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.grantwatch.Json;
import io.grantwatch.health.HealthCheck;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Outside {@code /v1}, so no API key: health, metrics and the OpenAPI document. */
final class SystemRoutes implements Route.Group {
    /** YAML so that people can read and edit it; OpenApiTest keeps it and the routes in step. */
    static final String OPENAPI_RESOURCE = "/openapi.yaml";

    private final PrometheusMeterRegistry metrics;
    private final Supplier<HealthCheck.Report> health;
    private final byte[] openApi;

    SystemRoutes(PrometheusMeterRegistry metrics, Supplier<HealthCheck.Report> health) {
        this.metrics = metrics;
        this.health = health;
        this.openApi = openApiDocument();
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/health", Role.PUBLIC, "Readiness: the database and the scheduler work", this::health),
                Route.get("/health/live", Role.PUBLIC, "Liveness: the process answers HTTP",
                        ctx -> ctx.json(Map.of("status", "UP"))),
                Route.get("/metrics", Role.PUBLIC, "Prometheus metrics", ctx -> ctx
                        .contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())),
                Route.get("/openapi.json", Role.PUBLIC, "This API as an OpenAPI 3.1 document",
                        ctx -> ctx.contentType("application/json").result(openApi)));
    }

    private void health(Context ctx) {
        HealthCheck.Report report = health.get();
        ctx.status(report.up() ? 200 : 503).json(report.body());
    }

    private static byte[] openApiDocument() {
        try (InputStream in = SystemRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the build lost " + OPENAPI_RESOURCE + " from the classpath");
            }
            return Json.MAPPER.writeValueAsBytes(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
