package io.grantwatch.cli;

import io.grantwatch.client.DaemonClient;
import io.grantwatch.client.EventTail;
import io.grantwatch.client.EventFormat;
import io.grantwatch.client.JsonText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.core.EventType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"The states a grant went through, oldest first: each distinct set of sites and scopes, when it "
                + "was first and last seen, and the grant's status changes."})
final class HistoryCommand implements Callable<Integer> {
    /** The grant.* events: status changes, which are no new state of sites. */
    private static final List<String> STATUS_EVENTS = Arrays.stream(EventType.values())
            .filter(type -> !type.isSiteEvent()).map(EventType::wireName).toList();

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions daemon;

    @Parameters(paramLabel = "GRANT", description = "the grant's id")
    long id;

    @Override
    public Integer call() {
        Main.Io io = Main.io(spec);
        DaemonClient client = daemon.client(io.env());
        List<JsonNode> states = snapshots(client);
        List<JsonNode> statusChanges = statusChanges(client);
        if (daemon.json) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("snapshots", Json.MAPPER.createArrayNode().addAll(states));
            body.set("statusChanges", Json.MAPPER.createArrayNode().addAll(statusChanges));
            Output.json(io.out(), body);
            return Main.OK;
        }
        io.out().println("History of grant " + id + ", oldest first");
        Table table = new Table("FIRST SEEN", "LAST SEEN", "SITE", "SCOPES");
        for (JsonNode state : states) {
            String firstSeen = JsonText.text(state, "firstSeenAt");
            String lastSeen = JsonText.text(state, "lastSeenAt");
            if (state.path("sites").isEmpty()) {
                table.row(firstSeen, lastSeen, "(no site)", "");
            }
            for (JsonNode site : state.path("sites")) {
                table.row(firstSeen, lastSeen, JsonText.text(site, "name"), JsonText.scopes(site.path("scopes")));
                firstSeen = "";
                lastSeen = "";
            }
        }
        if (table.isEmpty()) {
            io.out().println("  no state yet: the grant has not been checked");
        } else {
            table.print(io.out());
        }
        if (!statusChanges.isEmpty()) {
            io.out().println();
            io.out().println("Status changes");
            EventFormat format = new EventFormat();
            statusChanges.forEach(event -> io.out().println(format.line(event)));
        }
        return Main.OK;
    }

    private List<JsonNode> snapshots(DaemonClient client) {
        List<JsonNode> newestFirst = new ArrayList<>();
        String before = "";
        do {
            JsonNode page = client.get("/v1/grants/" + id + "/snapshots?limit=1000" + (before.isEmpty() ? "" : "&before=" + before));
            page.path("snapshots").forEach(newestFirst::add);
            before = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : "";
        } while (!before.isEmpty());
        return newestFirst.reversed();
    }

    private List<JsonNode> statusChanges(DaemonClient client) {
        List<JsonNode> events = new ArrayList<>();
        new EventTail(client, id, STATUS_EVENTS, java.time.Duration.ZERO).follow(0, false, null, events::add);
        return events;
    }
}
