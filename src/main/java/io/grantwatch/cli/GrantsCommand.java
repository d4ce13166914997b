package io.grantwatch.cli;

import io.grantwatch.client.DaemonClient;
import io.grantwatch.client.JsonText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "grants", mixinStandardHelpOptions = true, description = "Registers, lists, shows and removes grants.",
        subcommands = {GrantsCommand.Add.class, GrantsCommand.List.class, GrantsCommand.Show.class, GrantsCommand.Remove.class,
                GrantsImportCommand.class})
final class GrantsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.missingSubcommand(spec);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Registers a grant; its first check follows at once.",
                    "The access token is read from --access-token-file, or else from standard input, so that it never "
                            + "lands in the shell history."},
            footer = {"%nExample:%n  grantwatch grants add --external-id alice --expires-in 3600 --access-token-file token.txt"})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions daemon;

        @Option(names = "--access-token-file", paramLabel = "FILE", description = "file holding the access token ('-': standard input)")
        Path accessTokenFile;

        @Option(names = "--access-token", paramLabel = "TOKEN", hidden = true,
                description = "the access token itself; discouraged: it shows in the shell history and the process list")
        String accessToken;

        @Option(names = "--refresh-token-file", paramLabel = "FILE", description = "file holding the refresh token, if any")
        Path refreshTokenFile;

        @ArgGroup(exclusive = true)
        Expiry expiry;

        static final class Expiry {
            @Option(names = "--expires-in", paramLabel = "SECONDS", description = "the access token expires in this many seconds")
            Long expiresIn;

            @Option(names = "--expires-at", paramLabel = "INSTANT", description = "the access token expires then (ISO-8601)")
            Instant expiresAt;
        }

        @Option(names = "--external-id", paramLabel = "ID", description = "your own id for the grant, such as your user's id")
        String externalId;

        @Option(names = "--label", description = "a note for people")
        String label;

        @Override
        public Integer call() {
            Main.Io io = Main.io(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accessToken", accessToken(io));
            if (refreshTokenFile != null) {
                body.put("refreshToken", TokenInput.fromFile(spec, refreshTokenFile, io, "the refresh token"));
            }
            if (expiry != null && expiry.expiresIn != null) {
                body.put("expiresIn", expiry.expiresIn);
            }
            if (expiry != null && expiry.expiresAt != null) {
                body.put("expiresAt", expiry.expiresAt.toString());
            }
            body.put("externalId", externalId);
            body.put("label", label);
            JsonNode grant = daemon.client(io.env()).post("/v1/grants", body);
            if (daemon.json) {
                Output.json(io.out(), grant);
            } else {
                io.out().println("Registered grant " + grant.path("id").asLong() + "; its first check runs now.");
                Output.grant(io.out(), grant);
            }
            return Main.OK;
        }

        private String accessToken(Main.Io io) {
            if (accessToken != null) {
                if (accessTokenFile != null) {
                    throw new ParameterException(spec.commandLine(), "give --access-token-file or --access-token, not both");
                }
                io.err().println("grantwatch: warning: --access-token puts the token in your shell history and the "
                        + "process list; prefer --access-token-file or standard input");
                return TokenInput.check(spec, accessToken, "--access-token");
            }
            return TokenInput.fromFile(spec, accessTokenFile == null ? Path.of("-") : accessTokenFile, io, "the access token");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the grants being monitored.")
    static final class List implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions daemon;

        @Override
        public Integer call() {
            Main.Io io = Main.io(spec);
            DaemonClient client = daemon.client(io.env());
            ArrayNode all = Json.MAPPER.createArrayNode();
            String cursor = "";
            do {
                JsonNode page = client.get("/v1/grants?limit=1000" + (cursor.isEmpty() ? "" : "&after=" + cursor));
                page.path("grants").forEach(all::add);
                cursor = page.path("nextCursor").asText("");
            } while (!cursor.isEmpty() && !cursor.equals("null"));
            if (daemon.json) {
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.set("grants", all);
                Output.json(io.out(), body);
                return Main.OK;
            }
            Table table = new Table("ID", "EXTERNAL ID", "LABEL", "STATUS", "SITES", "LAST CHECKED", "LAST CHANGED");
            all.forEach(grant -> table.row(grant.path("id").asLong(), JsonText.text(grant, "externalId"),
                    JsonText.text(grant, "label"), JsonText.text(grant, "status"), grant.path("sites").size(),
                    JsonText.text(grant, "lastCheckedAt"), JsonText.text(grant, "lastChangedAt")));
            if (table.isEmpty()) {
                io.out().println("No grant is being monitored. Register one with: grantwatch grants add");
            } else {
                table.print(io.out());
            }
            return Main.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one grant: its status and the sites it reaches.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions daemon;

        @Parameters(paramLabel = "GRANT", description = "the grant's id")
        long id;

        @Override
        public Integer call() {
            Main.Io io = Main.io(spec);
            JsonNode grant = daemon.client(io.env()).get("/v1/grants/" + id);
            if (daemon.json) {
                Output.json(io.out(), grant);
            } else {
                Output.grant(io.out(), grant);
            }
            return Main.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Stops monitoring a grant and erases its tokens; its history stays.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions daemon;

        @Parameters(paramLabel = "GRANT", description = "the grant's id")
        long id;

        @Override
        public Integer call() {
            Main.Io io = Main.io(spec);
            daemon.client(io.env()).delete("/v1/grants/" + id);
            if (daemon.json) {
                Output.json(io.out(), Json.MAPPER.createObjectNode().put("id", id).put("removed", true));
            } else {
                io.out().println("Removed grant " + id + ": no longer monitored, its tokens erased; its history stays.");
            }
            return Main.OK;
        }
    }
}
