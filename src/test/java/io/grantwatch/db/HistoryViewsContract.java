package io.grantwatch.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grantwatch.Application;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.simulator.AtlassianSimulator;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The SQL views of the V5 migration, as people query them: a real daemon records changes found in
 * the simulator, and the views (and the README's example queries, here verbatim) answer from them.
 * Extended once per database.
 */
abstract class HistoryViewsContract {
    /** README: "When did we lose write access on site X?" */
    static final String LOST_WRITE_ACCESS = """
            SELECT time, grant_id, external_id, scopes_removed
              FROM scope_changes
             WHERE cloud_id = :cloudId
               AND (' ' || scopes_removed || ' ') LIKE '% write:%'
             ORDER BY time DESC""";

    /** README: "Which grants are unhealthy now?" */
    static final String UNHEALTHY_NOW = """
            SELECT id, external_id, status, last_checked_at, last_error
              FROM grants
             WHERE deleted_at IS NULL
               AND status <> 'HEALTHY'
             ORDER BY id""";

    static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work", "write:jira-work", "read:jira-user");
    static final SimSite BETA = SimSite.of("Beta", "read:confluence-content.all", "write:confluence-content");

    abstract TestDatabase newDatabase();

    @Test
    void currentSitesAndScopeChangesFollowTheGrantsHistory() {
        try (AtlassianSimulator simulator = AtlassianSimulator.start(); TestDatabase database = newDatabase();
                Application app = Application.start(ConfigLoader.fromEnvironment(Map.of(
                        "GRANTWATCH_DATABASE_URL", database.url(),
                        "GRANTWATCH_DATABASE_USERNAME", database.username(),
                        "GRANTWATCH_DATABASE_PASSWORD", database.password(),
                        "GRANTWATCH_ENCRYPTION_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]),
                        "GRANTWATCH_ATLASSIAN_APIBASEURL", simulator.baseUrl().toString(),
                        "GRANTWATCH_HTTP_PORT", "0",
                        "GRANTWATCH_HTTP_HOST", "127.0.0.1",
                        "GRANTWATCH_POLLING_INTERVAL", "PT1H")), Clock.systemUTC())) {
            ApiClient api = new ApiClient(app.port(), null);
            Jdbi jdbi = app.database().jdbi();
            SimGrant sim = simulator.newGrant();
            sim.setSites(List.of(ALPHA, BETA));
            long id = api.post("/v1/grants", Map.of("accessToken", sim.accessToken(), "externalId", "views-user"))
                    .json().get("id").asLong();
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));

            List<Map<String, Object>> sites = currentSites(jdbi, id);
            assertThat(sites).extracting(row -> row.get("name")).containsExactlyInAnyOrder("Alpha", "Beta");
            Map<String, Object> alpha = site(sites, ALPHA);
            assertThat(alpha).containsEntry("external_id", "views-user").containsEntry("status", "HEALTHY")
                    .containsEntry("url", "https://alpha.atlassian.net")
                    .containsEntry("scopes", "read:jira-user read:jira-work write:jira-work");
            assertThat(alpha.get("since")).isNotNull();
            assertThat(lostWriteAccess(jdbi, ALPHA)).as("granting is no loss").isEmpty();

            sim.setScopes(ALPHA.cloudId(), "read:jira-work", "read:jira-user");
            check(api, id);
            sim.removeSite(BETA.cloudId());
            check(api, id);
            sim.rename(ALPHA.cloudId(), "Alpha Renamed");
            check(api, id);

            sites = currentSites(jdbi, id);
            assertThat(sites).singleElement().satisfies(row -> assertThat(row)
                    .containsEntry("name", "Alpha Renamed")
                    .containsEntry("scopes", "read:jira-user read:jira-work"));
            List<Map<String, Object>> lost = lostWriteAccess(jdbi, ALPHA);
            assertThat(lost).singleElement().satisfies(row -> {
                assertThat(row).containsEntry("external_id", "views-user").containsEntry("scopes_removed", "write:jira-work");
                assertThat(row.get("time")).isNotNull();
            });
            // The rename changed no scope: "since" still says when the scopes last changed.
            assertThat(time(site(sites, ALPHA).get("since"))).isEqualTo(time(lost.getFirst().get("time")));

            List<Map<String, Object>> changes = scopeChanges(jdbi, id);
            // The first check's two grants come in cloudId order, which says nothing; the later changes in time order.
            assertThat(changes).extracting(row -> row.get("type") + " " + row.get("name") + " +[" + row.get("scopes_added")
                    + "] -[" + row.get("scopes_removed") + "] = [" + row.get("scopes") + "]").containsExactlyInAnyOrder(
                    "site.granted Alpha +[read:jira-user read:jira-work write:jira-work] -[] = [read:jira-user read:jira-work write:jira-work]",
                    "site.granted Beta +[read:confluence-content.all write:confluence-content] -[] = [read:confluence-content.all write:confluence-content]",
                    "site.scopes_changed Alpha +[] -[write:jira-work] = [read:jira-user read:jira-work]",
                    "site.revoked Beta +[] -[read:confluence-content.all write:confluence-content] = []");
            assertThat(changes).extracting(row -> row.get("type")).endsWith("site.scopes_changed", "site.revoked");

            sim.expireAccessToken();
            check(api, id);
            List<Map<String, Object>> unhealthy = jdbi.withHandle(handle -> handle.createQuery(UNHEALTHY_NOW).mapToMap().list());
            assertThat(unhealthy.stream().map(HistoryViewsContract::lowerCaseKeys).toList())
                    .singleElement().satisfies(row -> assertThat(row).containsEntry("status", "TOKEN_EXPIRED")
                            .containsEntry("external_id", "views-user"));
            assertThat(currentSites(jdbi, id)).as("the last known sites stay, with the status")
                    .singleElement().satisfies(row -> assertThat(row).containsEntry("status", "TOKEN_EXPIRED"));

            assertThat(api.delete("/v1/grants/" + id).status()).isEqualTo(204);
            assertThat(currentSites(jdbi, id)).isEmpty();
            assertThat(scopeChanges(jdbi, id)).hasSize(4).allSatisfy(row -> assertThat(row).containsEntry("external_id", "views-user"));
        }
    }

    private static void check(ApiClient api, long id) {
        assertThat(api.post("/v1/grants/" + id + "/check", null).status()).isEqualTo(200);
    }

    private static List<Map<String, Object>> lostWriteAccess(Jdbi jdbi, SimSite site) {
        return jdbi.withHandle(handle -> handle.createQuery(LOST_WRITE_ACCESS).bind("cloudId", site.cloudId()).mapToMap().list())
                .stream().map(HistoryViewsContract::lowerCaseKeys).toList();
    }

    private static List<Map<String, Object>> currentSites(Jdbi jdbi, long grantId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM current_sites WHERE grant_id = :id")
                .bind("id", grantId).mapToMap().list()).stream().map(HistoryViewsContract::lowerCaseKeys).toList();
    }

    private static List<Map<String, Object>> scopeChanges(Jdbi jdbi, long grantId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM scope_changes WHERE grant_id = :id ORDER BY id")
                .bind("id", grantId).mapToMap().list()).stream().map(HistoryViewsContract::lowerCaseKeys).toList();
    }

    private static Map<String, Object> site(List<Map<String, Object>> sites, SimSite site) {
        return sites.stream().filter(row -> site.cloudId().equals(row.get("cloud_id"))).findFirst().orElseThrow();
    }

    /** H2 and PostgreSQL return timestamps with time zone as different types; compare instants. */
    private static java.time.Instant time(Object value) {
        return value instanceof OffsetDateTime offset ? offset.toInstant() : ((java.sql.Timestamp) value).toInstant();
    }

    private static Map<String, Object> lowerCaseKeys(Map<String, Object> row) {
        Map<String, Object> lower = new java.util.LinkedHashMap<>();
        row.forEach((key, value) -> lower.put(key.toLowerCase(java.util.Locale.ROOT), value));
        return lower;
    }
}
