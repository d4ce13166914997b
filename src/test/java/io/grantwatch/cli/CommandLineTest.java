package io.grantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.DaemonProcess;
import io.grantwatch.testing.GrantwatchExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands as a user runs them, in-process through {@link Main#execute}, against a real daemon
 * on H2 that polls the Atlassian grantwatch.simulator(). The database does not matter to the command line: the
 * API is the same on both, and the API contract tests cover PostgreSQL.
 */
class CommandLineTest {
    private static final String API_KEY = "cli-test-key";
    private static final SimSite ALPHA = SimSite.of("Alpha", "read:jira-work", "write:jira-work");
    private static final SimSite BETA = SimSite.of("Beta", "read:confluence-content.all");

    @TempDir
    static Path dir;

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create().env("GRANTWATCH_HTTP_APIKEY", API_KEY);

    static Path config;
    static final List<String> tokens = new ArrayList<>();
    static final List<String> outputs = new ArrayList<>();

    @BeforeAll
    static void writeConfig() throws IOException {
        // The file a client command reads: the daemon's port and API key, as an operator's config has them.
        config = dir.resolve("grantwatch.yaml");
        Files.writeString(config, "http:\n  port: " + grantwatch.app().port() + "\n  apiKey: " + API_KEY + "\n");
    }

    @AfterAll
    static void noOutputHeldAToken() {
        assertThat(tokens).isNotEmpty();
        for (String token : tokens) {
            assertThat(outputs).noneMatch(output -> output.contains(token));
        }
    }

    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    static Result run(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.Io io = new Main.Io(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
                new PrintWriter(err, true), env);
        int code = Main.execute(io, args);
        outputs.add(out.toString());
        outputs.add(err.toString());
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(String... args) {
        return run("", Map.of(), args);
    }

    /** A grant registered through {@code grants add} with the token on standard input, and checked. */
    static long addHealthyGrant(SimGrant grant, String externalId) {
        tokens.add(grant.accessToken());
        Result added = run(grant.accessToken() + "\n", Map.of(), "grants", "add", "--config", config.toString(),
                "--external-id", externalId, "--label", "user " + externalId, "--expires-in", "3600", "--json");
        assertThat(added.exitCode()).as(added.err()).isZero();
        long id = added.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> grantwatch.api().get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        return id;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "demo", "grants", "grants add", "grants list", "grants show", "grants remove",
            "history", "events", "events tail", "audit", "audit tail", "check", "db", "db migrate"})
    void everyCommandHasHelp(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        Result result = run(args.toArray(String[]::new));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: grantwatch").contains("--help");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run().exitCode()).isEqualTo(2);
        assertThat(run("grants").exitCode()).isEqualTo(2);
        assertThat(run("events").exitCode()).isEqualTo(2);
        assertThat(run("grants", "lisst").exitCode()).isEqualTo(2);
        assertThat(run("grants", "show", "not-a-number").exitCode()).isEqualTo(2);
        assertThat(run("check", "1", "--scope", "read:jira-work").exitCode()).isEqualTo(2);
        Result unknown = run("grants", "list", "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--bogus");
        assertThat(run("grants", "list", "--config", dir.resolve("missing.yaml").toString()).exitCode()).isEqualTo(2);
        assertThat(run("events", "tail", "--config", config.toString(), "--wait", "PT5M", "--no-follow").exitCode())
                .isEqualTo(2);
        assertThat(run("grants", "add", "--config", config.toString()).exitCode()).as("empty token on stdin").isEqualTo(2);
    }

    @Test
    void anUnreachableDaemonExitsWith3() {
        Result result = run("grants", "list", "--url", "http://127.0.0.1:" + DaemonProcess.freePort());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("cannot reach the daemon");
    }

    @Test
    void theApiKeyComesFromTheEnvironmentWithUrl() {
        String url = "http://127.0.0.1:" + grantwatch.app().port();
        Result without = run("", Map.of(), "grants", "list", "--url", url);
        assertThat(without.exitCode()).isEqualTo(2);
        assertThat(without.err()).contains("401").contains("GRANTWATCH_HTTP_APIKEY");
        Result with = run("", Map.of("GRANTWATCH_HTTP_APIKEY", API_KEY), "grants", "list", "--url", url);
        assertThat(with.exitCode()).as(with.err()).isZero();
    }

    @Test
    void grantsAddListShowAndRemove() throws IOException {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA, BETA));
        long id = addHealthyGrant(sim, "crud-user");

        Result list = run("grants", "list", "--config", config.toString());
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("ID", "STATUS", "crud-user", "HEALTHY");
        Result listJson = run("grants", "list", "--config", config.toString(), "--json");
        assertThat(listJson.json().get("grants").findValuesAsText("externalId")).contains("crud-user");

        Result show = run("grants", "show", String.valueOf(id), "--config", config.toString());
        assertThat(show.exitCode()).isZero();
        assertThat(show.out()).contains("HEALTHY", "Alpha", "Beta", ALPHA.cloudId(), "read:jira-work write:jira-work");

        assertThat(run("grants", "remove", String.valueOf(id), "--config", config.toString()).exitCode()).isZero();
        Result gone = run("grants", "show", String.valueOf(id), "--config", config.toString());
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("404");
    }

    @Test
    void theTokenCanComeFromAFileOrWithAWarningFromTheCommandLine() throws IOException {
        SimGrant fromFile = grantwatch.simulator().newGrant();
        tokens.add(fromFile.accessToken());
        Path file = dir.resolve("token.txt");
        Files.writeString(file, fromFile.accessToken() + "\n");
        Result added = run("grants", "add", "--config", config.toString(), "--access-token-file", file.toString());
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.err()).isEmpty();

        SimGrant fromArgument = grantwatch.simulator().newGrant();
        tokens.add(fromArgument.accessToken());
        Result warned = run("grants", "add", "--config", config.toString(), "--access-token", fromArgument.accessToken());
        assertThat(warned.exitCode()).isZero();
        assertThat(warned.err()).contains("warning").contains("shell history");

        Result duplicate = run(fromArgument.accessToken(), Map.of(), "grants", "add", "--config", config.toString(),
                "--external-id", "dup");
        assertThat(duplicate.exitCode()).isZero();
        Result conflict = run(fromArgument.accessToken(), Map.of(), "grants", "add", "--config", config.toString(),
                "--external-id", "dup");
        assertThat(conflict.exitCode()).as("a conflict is a negative answer").isEqualTo(1);
        assertThat(conflict.err()).contains("409");
    }

    @Test
    void checkExitsWith1WhenThePreflightRefuses() {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA));
        String id = String.valueOf(addHealthyGrant(sim, "preflight-user"));

        Result allowed = run("check", id, "--cloud-id", ALPHA.cloudId(), "--scope", "write:jira-work", "--config", config.toString());
        assertThat(allowed.exitCode()).isZero();
        assertThat(allowed.out()).startsWith("allowed");

        Result missing = run("check", id, "--cloud-id", ALPHA.cloudId(), "--scope", "write:jira-work", "--scope", "manage:jira-project",
                "--config", config.toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).contains("refused: scope_missing").contains("manage:jira-project");

        Result otherSite = run("check", id, "--cloud-id", BETA.cloudId(), "--config", config.toString(), "--json");
        assertThat(otherSite.exitCode()).isEqualTo(1);
        assertThat(otherSite.json().get("reason").asText()).isEqualTo("site_not_granted");

        assertThat(run("check", "999999", "--cloud-id", ALPHA.cloudId(), "--config", config.toString()).exitCode()).isEqualTo(1);
    }

    @Test
    void historyShowsEachStateWithItsTimesAndTheStatusChanges() {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA));
        long id = addHealthyGrant(sim, "history-user");
        sim.setScopes(ALPHA.cloudId(), "read:jira-work");
        assertThat(grantwatch.api().post("/v1/grants/" + id + "/check", null).status()).isEqualTo(200);
        sim.expireAccessToken();
        assertThat(grantwatch.api().post("/v1/grants/" + id + "/check", null).status()).isEqualTo(200);

        Result history = run("history", String.valueOf(id), "--config", config.toString());
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out()).contains("FIRST SEEN", "LAST SEEN", "Alpha");
        int older = history.out().indexOf("read:jira-work write:jira-work");
        int newer = history.out().indexOf("read:jira-work\n");
        assertThat(older).as("oldest first").isPositive().isLessThan(newer);
        assertThat(history.out()).contains("Status changes").contains("grant.token_expired");

        JsonNode json = run("history", String.valueOf(id), "--config", config.toString(), "--json").json();
        assertThat(json.get("snapshots")).hasSize(2);
        assertThat(json.get("snapshots").get(0).get("firstSeenAt").asText()).isNotEmpty();
    }

    @Test
    void auditTailPrintsTokenHandOutsAndFollowsThem() throws Exception {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA));
        long id = addHealthyGrant(sim, "audit-user");
        assertThat(grantwatch.api().get("/v1/grants/" + id + "/token").status()).isEqualTo(200);

        Result all = run("audit", "tail", "--from-start", "--no-follow", "--grant", String.valueOf(id), "--config", config.toString());
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out().lines()).singleElement().satisfies(line -> assertThat(line)
                .contains("apiKey").contains("grant " + id).contains("200").contains("token"));
        Result json = run("audit", "tail", "--from-start", "--no-follow", "--grant", String.valueOf(id), "--json",
                "--config", config.toString());
        assertThat(Json.MAPPER.readTree(json.out().lines().findFirst().orElseThrow()).get("action").asText()).isEqualTo("token");
        Result fromNow = run("audit", "tail", "--no-follow", "--config", config.toString());
        assertThat(fromNow.exitCode()).as(fromNow.err()).isZero();
        assertThat(fromNow.out()).isEmpty();

        // Following, from a cursor taken before the hand-out so that no start-up race can miss it.
        String cursor = grantwatch.api().get("/v1/audit").json().get("nextCursor").asText();
        CompletableFuture<Result> follower = CompletableFuture.supplyAsync(() -> run("audit", "tail", "--after", cursor,
                "--count", "1", "--interval", "PT0.2S", "--config", config.toString()));
        assertThat(grantwatch.api().get("/v1/grants/999999/token").status()).isEqualTo(404);
        Result followed = follower.get(30, TimeUnit.SECONDS);
        assertThat(followed.exitCode()).as(followed.err()).isZero();
        assertThat(followed.out().lines()).singleElement().satisfies(line -> assertThat(line).contains("999999").contains("404"));
    }

    @Test
    void eventsTailPrintsTheFeedAndFollowsIt() throws Exception {
        SimGrant sim = grantwatch.simulator().newGrant();
        sim.setSites(List.of(ALPHA, BETA));
        long id = addHealthyGrant(sim, "tail-user");
        String grant = String.valueOf(id);

        Result all = run("events", "tail", "--from-start", "--no-follow", "--grant", grant, "--config", config.toString());
        assertThat(all.exitCode()).isZero();
        assertThat(all.out().lines()).hasSize(2).allMatch(line -> line.contains("site.granted"));
        assertThat(all.out()).contains("Alpha (https://alpha.atlassian.net) granted: read:jira-work write:jira-work");

        Result json = run("events", "tail", "--from-start", "--no-follow", "--grant", grant, "--json", "--config", config.toString());
        assertThat(json.out().lines().map(line -> {
            try {
                return Json.MAPPER.readTree(line).get("type").asText();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        })).containsOnly("site.granted");

        // From now: what happened before the start is not printed.
        Result fromNow = run("events", "tail", "--no-follow", "--grant", grant, "--config", config.toString());
        assertThat(fromNow.exitCode()).as(fromNow.err()).isZero();
        assertThat(fromNow.out()).isEmpty();

        // Following, from a cursor taken before the change so that no start-up race can miss it, filtered by type.
        String cursor = grantwatch.api().get("/v1/events?grantId=" + id).json().get("nextCursor").asText();
        CompletableFuture<Result> follower = CompletableFuture.supplyAsync(() -> run("events", "tail", "--grant", grant,
                "--after", cursor, "--type", "site.revoked", "--count", "1", "--wait", "PT5S", "--config", config.toString()));
        sim.setScopes(ALPHA.cloudId(), "read:jira-work");
        sim.removeSite(BETA.cloudId());
        assertThat(grantwatch.api().post("/v1/grants/" + id + "/check", null).status()).isEqualTo(200);
        Result followed = follower.get(30, TimeUnit.SECONDS);
        assertThat(followed.exitCode()).as(followed.err()).isZero();
        assertThat(followed.out().lines()).singleElement().satisfies(line -> assertThat(line)
                .contains("site.revoked").contains("Beta").contains("site_removed"));
    }
}
