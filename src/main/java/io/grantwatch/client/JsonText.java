package io.grantwatch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Fields of the daemon's JSON answers as text for people. */
public final class JsonText {
    private JsonText() {}

    /** A field as text; "-" when absent or null. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }

    /** A JSON array of scopes as the space-separated list OAuth uses; "-" when empty. */
    public static String scopes(JsonNode array) {
        List<String> scopes = new ArrayList<>();
        array.forEach(scope -> scopes.add(scope.asText()));
        return scopes.isEmpty() ? "-" : String.join(" ", scopes);
    }
}
