package io.grantwatch.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.Json;
import io.grantwatch.grants.Tokens;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads request bodies and parameters by hand, so that every mistake gets a message that names the
 * field, and no message ever repeats a value (a value may be a token).
 */
final class Requests {
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final Duration MAX_EXPIRES_IN = Duration.ofDays(3650);

    private Requests() {}

    /** Rejects {@code {"url": "a", "url": "b"}}, which some parsers read as "a" and others as "b". */
    private static final ObjectReader STRICT = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** A whole number as this API writes one: ASCII digits only, no sign, no Unicode digits that Long.parseLong takes. */
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]{1,18}");

    /** The body as a JSON object whose fields are all among {@code allowed}; JSON or no Content-Type at all. */
    static ObjectNode object(Context ctx, Set<String> allowed) {
        return object(ctx.contentType(), ctx.bodyAsBytes(), allowed);
    }

    /** As {@link #object(Context, Set)}, for a body the caller read itself (past Javalin's size limit). */
    static ObjectNode object(String contentType, byte[] body, Set<String> allowed) {
        if (contentType != null && !isJson(contentType)) {
            throw new ApiException(415, "unsupported_media_type", "the request body must be JSON: Content-Type: application/json");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("malformed_body", "the request body is not valid JSON"
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : ""));
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed_body", "the request body cannot be read");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("malformed_body", "the request body must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("unknown_field", "unknown field '" + printable(name) + "'; expected some of "
                        + allowed.stream().sorted().toList());
            }
        }
        return (ObjectNode) node;
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }

    /** The number, or -1 when the text is not a plain whole number (sign, spaces, other digits, too long). */
    static long number(String text) {
        return text != null && DIGITS.matcher(text).matches() ? Long.parseLong(text) : -1;
    }

    static String string(ObjectNode body, String field, boolean required, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.badRequest("missing_field", "'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' must be a string");
        }
        String text = value.asText();
        if (required && text.isBlank()) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' must not be empty");
        }
        if (text.length() > maxLength) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' is longer than " + maxLength + " characters");
        }
        return text;
    }

    /** accessToken, refreshToken?, and expiresIn (seconds) or expiresAt (ISO-8601). */
    static Tokens tokens(ObjectNode body, Clock clock) {
        String accessToken = string(body, "accessToken", true, MAX_TOKEN_LENGTH);
        String refreshToken = string(body, "refreshToken", false, MAX_TOKEN_LENGTH);
        for (String field : new String[] {"accessToken", "refreshToken"}) {
            String token = field.equals("accessToken") ? accessToken : refreshToken;
            // It goes into an Authorization header or a JSON body as is: printable ASCII, no spaces.
            if (token != null && !token.chars().allMatch(c -> c > ' ' && c <= '~')) {
                throw ApiException.badRequest("invalid_field", "'" + field + "' must be printable ASCII without spaces");
            }
        }
        JsonNode expiresIn = body.get("expiresIn");
        Instant expiresAt = instant(body, "expiresAt");
        if (expiresIn != null && !expiresIn.isNull()) {
            if (expiresAt != null) {
                throw ApiException.badRequest("invalid_field", "give 'expiresIn' or 'expiresAt', not both");
            }
            if (!expiresIn.canConvertToLong() || !expiresIn.isIntegralNumber() || expiresIn.asLong() <= 0
                    || expiresIn.asLong() > MAX_EXPIRES_IN.toSeconds()) {
                throw ApiException.badRequest("invalid_field", "'expiresIn' must be a whole number of seconds, from 1 to "
                        + MAX_EXPIRES_IN.toSeconds());
            }
            expiresAt = clock.instant().plusSeconds(expiresIn.asLong());
        }
        return new Tokens(accessToken, refreshToken, expiresAt);
    }

    static Instant instant(ObjectNode body, String field) {
        String text = string(body, field, false, 64);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    /** The {@code id} path parameter; anything we cannot have given out is a 404 for that resource. */
    static long id(Context ctx, String resource) {
        return id(ctx.pathParam("id"), resource);
    }

    /** An id as it came in a path: anything we cannot have given out is a 404 for that resource. */
    static long id(String text, String resource) {
        long id = number(text);
        if (id > 0) {
            return id;
        }
        // The text is not echoed: someone may have pasted a token where the id goes.
        throw new ApiException(404, "not_found", "no " + resource + " has that id");
    }

    static int limit(Context ctx) {
        String text = ctx.queryParam("limit");
        if (text == null) {
            return 100;
        }
        long limit = number(text);
        if (limit >= 1 && limit <= 1000) {
            return (int) limit;
        }
        throw ApiException.badRequest("invalid_parameter", "'limit' must be a whole number from 1 to 1000");
    }

    /** A cursor is the id of the last item seen; absent means from the start. */
    static long cursor(Context ctx, String name, long absent) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return absent;
        }
        long cursor = number(text);
        if (cursor >= 0) {
            return cursor;
        }
        throw ApiException.badRequest("invalid_cursor", "'" + name + "' must be a cursor this API gave out");
    }

    static Long optionalId(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        long id = number(text);
        if (id > 0) {
            return id;
        }
        throw ApiException.badRequest("invalid_parameter", "'" + name + "' must be a grant id");
    }

    static Duration duration(Context ctx, String name, Duration max) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            Duration duration = Duration.parse(text);
            if (!duration.isNegative() && duration.compareTo(max) <= 0) {
                return duration;
            }
        } catch (DateTimeException ignored) {
            // reported below
        }
        throw ApiException.badRequest("invalid_parameter", "'" + name + "' must be an ISO-8601 duration from PT0S to " + max);
    }

    /** A JSON list of strings, or null when absent. */
    static List<String> strings(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String expected = "'" + field + "' must be a list of at most 100 strings";
        if (!node.isArray() || node.size() > 100) {
            throw ApiException.badRequest("invalid_field", expected);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw ApiException.badRequest("invalid_field", expected);
            }
            values.add(value.asText());
        }
        return values;
    }

    /** A JSON list of grant ids, or null when absent. */
    static List<Long> ids(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String expected = "'" + field + "' must be a list of grant ids (numbers)";
        if (!node.isArray()) {
            throw ApiException.badRequest("invalid_field", expected);
        }
        List<Long> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw ApiException.badRequest("invalid_field", expected);
            }
            values.add(value.asLong());
        }
        return values;
    }

    static List<String> nonEmpty(List<String> values) {
        return values.stream().filter(value -> !value.isBlank()).toList();
    }

    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,31}");

    /**
     * Echoes a name back in a message only when it looks like a field or type name; anything else
     * (a client may have put a token where a name goes) is not shown at all.
     */
    static String printable(String text) {
        return IDENTIFIER.matcher(text).matches() ? text : "(not shown)";
    }
}
