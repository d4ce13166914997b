package io.grantwatch.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.client.DaemonClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Registers many grants at once from JSON lines: one object a line, shaped as the body of "
                + "POST /v1/grants. They take their places in the regular schedule: their first checks spread over one "
                + "interval.", "A progress bar goes to standard error; a line that fails is reported with its number, "
                + "and the others are registered. Exit code 1 if any line failed."},
        footer = {"%nExample:%n  grantwatch grants import grants.jsonl%n  "
                + "jq -c '.[]' export.json | grantwatch grants import -"})
final class GrantsImportCommand implements Callable<Integer> {
    /** Items per request: well under the API's 10,000, so that the progress bar moves. */
    private static final int CHUNK = 1_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions daemon;

    @Parameters(paramLabel = "FILE", description = "JSON lines to import ('-': standard input)")
    Path file;

    record LineError(long line, String error, String message) {}

    @Override
    public Integer call() throws IOException {
        Main.Io io = Main.io(spec);
        boolean stdin = file.toString().equals("-");
        if (!stdin && !Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file);
        }
        long total = stdin ? -1 : countLines(file);
        DaemonClient client = daemon.client(io.env());
        Progress progress = new Progress(io.err(), total);
        List<LineError> errors = new ArrayList<>();
        ArrayNode imported = Json.MAPPER.createArrayNode();
        try (BufferedReader reader = stdin
                ? new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            ArrayNode chunk = Json.MAPPER.createArrayNode();
            List<Long> chunkLines = new ArrayList<>();
            long lineNumber = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    progress.advance(1);
                    continue;
                }
                JsonNode grant = parse(line);
                if (grant == null) {
                    errors.add(new LineError(lineNumber, "malformed_line", "not a JSON object"));
                    progress.advance(1);
                    continue;
                }
                chunk.add(grant);
                chunkLines.add(lineNumber);
                if (chunk.size() == CHUNK) {
                    send(client, chunk, chunkLines, imported, errors);
                    progress.advance(chunk.size());
                    chunk = Json.MAPPER.createArrayNode();
                    chunkLines = new ArrayList<>();
                }
            }
            if (!chunk.isEmpty()) {
                send(client, chunk, chunkLines, imported, errors);
                progress.advance(chunk.size());
            }
        }
        progress.done();
        errors.sort((a, b) -> Long.compare(a.line(), b.line()));
        if (daemon.json) {
            ObjectNode summary = Json.MAPPER.createObjectNode();
            summary.put("imported", imported.size());
            summary.set("grants", imported);
            ArrayNode failed = summary.putArray("errors");
            errors.forEach(error -> failed.addObject().put("line", error.line()).put("error", error.error())
                    .put("message", error.message()));
            Output.json(io.out(), summary);
        } else {
            io.out().printf(Locale.ROOT, "Imported %,d grants; %,d lines failed.%n", imported.size(), errors.size());
            errors.forEach(error -> io.out().printf(Locale.ROOT, "  line %d: %s: %s%n", error.line(), error.error(),
                    error.message()));
            if (!imported.isEmpty()) {
                io.out().println("Their first checks spread over one polling interval.");
            }
        }
        return errors.isEmpty() ? Main.OK : Main.NEGATIVE;
    }

    private static void send(DaemonClient client, ArrayNode chunk, List<Long> lines, ArrayNode imported,
            List<LineError> errors) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("grants", chunk);
        JsonNode answer = client.post("/v1/grants/import", body);
        for (JsonNode grant : answer.path("grants")) {
            ObjectNode row = imported.addObject();
            row.put("line", lines.get(grant.path("index").asInt()));
            row.set("id", grant.path("id"));
            row.set("externalId", grant.path("externalId"));
        }
        for (JsonNode error : answer.path("errors")) {
            errors.add(new LineError(lines.get(error.path("index").asInt()), error.path("error").asText(),
                    error.path("message").asText()));
        }
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }

    /** A bar on standard error, redrawn in place; only a count when the total is unknown (standard input). */
    private static final class Progress {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final long total;
        private long done;

        Progress(PrintWriter err, long total) {
            this.err = err;
            this.total = total;
        }

        void advance(long lines) {
            done += lines;
            if (done % CHUNK == 0 || done == total) {
                draw();
            }
        }

        void done() {
            draw();
            err.println();
            err.flush();
        }

        private void draw() {
            if (total > 0) {
                int filled = (int) (WIDTH * done / total);
                err.printf(Locale.ROOT, "\r[%s%s] %,d/%,d lines", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total);
            } else {
                err.printf(Locale.ROOT, "\r%,d lines", done);
            }
            err.flush();
        }
    }
}
