package io.grantwatch.atlassian;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.grantwatch.core.Resource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON of Atlassian's answers into our types, strictly: a field of the wrong type makes the
 * whole answer {@link UnexpectedShape}, because guessing would turn a broken answer into a change.
 * Unknown fields are ignored. Pure; thread-safe.
 */
final class AnswerShapes {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AnswerShapes() {}

    /** Thrown when a body is JSON but not the JSON we expect. Carries no body text. */
    static final class UnexpectedShape extends Exception {
        UnexpectedShape(String what) {
            super(what, null, false, false);
        }
    }

    /** The JSON tree of a body; IOException when it is not JSON at all (empty included). */
    static JsonNode parse(byte[] body) throws IOException {
        JsonNode tree = JSON.readTree(body);
        if (tree == null || tree.isMissingNode()) {
            throw new IOException("empty body");
        }
        return tree;
    }

    static boolean isJson(byte[] body) {
        try {
            parse(body);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static List<Resource> resources(JsonNode tree) throws UnexpectedShape {
        if (!tree.isArray()) {
            throw new UnexpectedShape("not a JSON array");
        }
        List<Resource> resources = new ArrayList<>(tree.size());
        for (JsonNode entry : tree) {
            if (!entry.isObject()) {
                throw new UnexpectedShape("an entry is not a JSON object");
            }
            String id = optionalText(entry, "id");
            if (id == null || id.isBlank()) {
                throw new UnexpectedShape("an entry has no id");
            }
            resources.add(new Resource(
                    id, optionalText(entry, "name"), optionalText(entry, "url"), scopes(entry), optionalText(entry, "avatarUrl")));
        }
        return resources;
    }

    // Required: an entry without scopes would read as "every scope removed", a change that did not happen.
    private static List<String> scopes(JsonNode entry) throws UnexpectedShape {
        JsonNode scopes = entry.get("scopes");
        if (scopes == null || !scopes.isArray()) {
            throw new UnexpectedShape("scopes is not an array");
        }
        List<String> values = new ArrayList<>(scopes.size());
        for (JsonNode scope : scopes) {
            if (!scope.isTextual()) {
                throw new UnexpectedShape("a scope is not a string");
            }
            values.add(scope.textValue());
        }
        return values;
    }

    static RefreshResult.Refreshed tokens(JsonNode tree) throws UnexpectedShape {
        if (!tree.isObject()) {
            throw new UnexpectedShape("not a JSON object");
        }
        String accessToken = optionalText(tree, "access_token");
        if (accessToken == null || accessToken.isBlank()) {
            throw new UnexpectedShape("no access_token");
        }
        JsonNode expiresIn = tree.get("expires_in");
        if (expiresIn == null || !expiresIn.canConvertToExactIntegral() || !expiresIn.canConvertToLong() || expiresIn.longValue() <= 0) {
            throw new UnexpectedShape("expires_in is not a positive number of seconds");
        }
        String refreshToken = optionalText(tree, "refresh_token");
        return new RefreshResult.Refreshed(
                accessToken,
                refreshToken == null || refreshToken.isBlank() ? null : refreshToken,
                Duration.ofSeconds(expiresIn.longValue()),
                optionalText(tree, "scope"));
    }

    /** A string field, or null when it is absent or JSON null. */
    private static String optionalText(JsonNode object, String field) throws UnexpectedShape {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new UnexpectedShape(field + " is not a string");
        }
        return value.textValue();
    }
}
