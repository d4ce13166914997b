package io.grantwatch.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.check.CheckMetrics;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.GrantwatchExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** /health and /metrics of a real daemon on H2, over HTTP. */
class HealthAndMetricsTest {
    @TempDir
    static Path dir;

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create().settableClock();

    static ApiClient anonymous;

    @BeforeAll
    static void anonymousClient() {
        anonymous = new ApiClient(grantwatch.app().port(), null);
    }

    @Test
    void healthReportsTheDatabaseTheSchedulerAndTheLagWithoutAnApiKey() {
        ApiClient.Response health = anonymous.get("/health");
        assertThat(health.status()).isEqualTo(200);
        JsonNode body = health.json();
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.at("/checks/database").asText()).isEqualTo("UP");
        assertThat(body.at("/checks/scheduler").asText()).isEqualTo("UP");
        assertThat(body.at("/checks/lagSeconds").isIntegralNumber()).isTrue();
        assertThat(body.at("/checks/lagSeconds").asLong()).isGreaterThanOrEqualTo(0);

        ApiClient.Response live = anonymous.get("/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void metricsHaveChecksGrantsEventsLatencyAndTheJvm() throws Exception {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(SimSite.of("Metrics", "read:jira-work")));
        ApiClient api = grantwatch.api();
        long id = api.post("/v1/grants", Map.of("accessToken", sim.accessToken())).json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));

        // The gauge counts at most every 5 seconds: then the new grant is in it.
        grantwatch.clock().tick(Duration.ofSeconds(5));
        String metrics = anonymous.get("/metrics").body();
        assertThat(metrics)
                .contains("grantwatch_grants{status=\"HEALTHY\"} 1")
                .contains("grantwatch_grants{status=\"PENDING\"}")
                .contains("grantwatch_checks_total{outcome=\"valid\"}")
                .contains("grantwatch_checks_total{outcome=\"transient\"} 0")
                .contains("grantwatch_check_duration_seconds_bucket{le=")
                .contains("grantwatch_check_duration_seconds_count")
                .contains("grantwatch_events_total{type=\"site.granted\"} 1")
                .contains("grantwatch_events_total{type=\"grant.revoked\"} 0")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads")
                .doesNotContain(sim.accessToken());
        promtoolAccepts(metrics);
    }

    @Test
    void refreshesAreCountedByOutcome() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CheckMetrics metrics = new CheckMetrics(registry);
        metrics.refreshed("ok");
        metrics.refreshed("ok");
        metrics.refreshed("invalid_grant");
        String scrape = registry.scrape();
        assertThat(scrape).contains("grantwatch_refreshes_total{outcome=\"ok\"} 2").contains("grantwatch_refreshes_total{outcome=\"invalid_grant\"} 1");
        promtoolAccepts(scrape);
    }

    /** promtool comes with Debian's prometheus package; CI installs it, elsewhere this check is skipped. */
    static void promtoolAccepts(String exposition) throws IOException, InterruptedException {
        Path promtool = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .map(folder -> Path.of(folder, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(promtool != null, "promtool is not on PATH (apt-get install prometheus): exposition not validated");
        Path file = Files.writeString(dir.resolve("metrics-" + System.nanoTime() + ".txt"), exposition);
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("promtool check metrics:\n" + report).isZero();
    }
}
