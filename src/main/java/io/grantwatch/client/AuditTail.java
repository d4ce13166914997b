package io.grantwatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Follows the audit ({@code GET /v1/audit}, an admin key's call). The audit has no long poll, so
 * following asks again every {@code interval} while nothing is new. One thread follows.
 */
public final class AuditTail {
    private static final int PAGE = 100;

    private final DaemonClient client;
    private final Long grantId;
    private final Duration interval;

    public AuditTail(DaemonClient client, Long grantId, Duration interval) {
        this.client = client;
        this.grantId = grantId;
        this.interval = interval;
    }

    /**
     * Hands each entry after {@code cursor}, oldest first, to {@code onEntry} until it answers false
     * or, when {@code follow} is false, the audit is read to its end. Returns the last cursor.
     */
    public long follow(long cursor, boolean follow, Predicate<JsonNode> onEntry) throws InterruptedException {
        long after = cursor;
        while (true) {
            JsonNode page = client.get(query(after, PAGE));
            for (JsonNode entry : page.path("entries")) {
                after = entry.path("id").asLong();
                if (!onEntry.test(entry)) {
                    return after;
                }
            }
            after = Math.max(after, page.path("nextCursor").asLong(after));
            if (page.path("entries").size() < PAGE) {
                if (!follow) {
                    return after;
                }
                Thread.sleep(interval);
            }
        }
    }

    /** The cursor of the newest entry, so that following starts "from now". */
    public long end() {
        return Cursors.newest(cursor -> !client.get("/v1/audit?limit=1&after=" + cursor).path("entries").isEmpty());
    }

    /** One entry as a line: time, id, key, grant, status, action. */
    public static String line(JsonNode entry) {
        String key = entry.path("key").isNull() ? "(no key)" : entry.path("key").asText();
        String grant = entry.path("grantId").isNull() ? "-" : entry.path("grantId").asText();
        return String.format("%-24s  #%-5s  %-12s  grant %-6s  %3d  %s", entry.path("time").asText(), entry.path("id").asText(),
                key, grant, entry.path("status").asInt(), entry.path("action").asText());
    }

    private String query(long after, int limit) {
        return "/v1/audit?after=" + after + "&limit=" + limit + (grantId != null ? "&grantId=" + grantId : "");
    }
}
