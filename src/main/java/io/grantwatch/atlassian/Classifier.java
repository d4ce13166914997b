package io.grantwatch.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.core.Normalizer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides what an answer from Atlassian means, from its status, headers and body alone. Pure: no I/O,
 * no clock of its own, never throws. The text it produces ({@code detail}, {@code description}) never
 * quotes a body beyond a short excerpt that cannot hold a token.
 */
public final class Classifier {
    private static final String RESOURCES = "accessible-resources";
    private static final String TOKEN_ENDPOINT = "the token endpoint";
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");
    private static final int LONGEST_SAFE_WORD = 20;

    private Classifier() {}

    public static CheckResult accessibleResources(int status, Map<String, List<String>> headers, byte[] body, Instant now) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (status == 401) {
            return new CheckResult.TokenRefused(401);
        }
        if (isHtml(headers, bytes)) {
            return checkFailure("html_answer", status, RESOURCES, "an HTML page", headers, now);
        }
        if (status == 403 && AnswerShapes.isJson(bytes)) {
            return new CheckResult.TokenRefused(403);
        }
        if (status != 200) {
            return checkFailure(statusReason(status), status, RESOURCES, null, headers, now);
        }
        try {
            return new CheckResult.Valid(Normalizer.normalize(AnswerShapes.resources(AnswerShapes.parse(bytes))));
        } catch (IOException e) {
            return checkFailure("malformed_json", status, RESOURCES, "a body that is not JSON", headers, now);
        } catch (AnswerShapes.UnexpectedShape e) {
            return checkFailure("unexpected_shape", status, RESOURCES, e.getMessage(), headers, now);
        }
    }

    public static RefreshResult refresh(int status, Map<String, List<String>> headers, byte[] body, Instant now) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (isHtml(headers, bytes)) {
            return refreshFailure("html_answer", status, "an HTML page", headers, now);
        }
        JsonNode tree;
        try {
            tree = AnswerShapes.parse(bytes);
        } catch (IOException e) {
            String reason = status == 200 ? "malformed_json" : statusReason(status);
            return refreshFailure(reason, status, status == 200 ? "a body that is not JSON" : null, headers, now);
        }
        if (status == 200) {
            try {
                return AnswerShapes.tokens(tree);
            } catch (AnswerShapes.UnexpectedShape e) {
                return refreshFailure("unexpected_shape", status, e.getMessage(), headers, now);
            }
        }
        String error = errorCode(tree);
        if ("invalid_grant".equals(error) && (status == 400 || status == 401 || status == 403)) {
            return new RefreshResult.InvalidGrant(invalidGrantDescription(status, tree));
        }
        return refreshFailure(statusReason(status), status, error, headers, now);
    }

    private static boolean isHtml(Map<String, List<String>> headers, byte[] body) {
        String contentType = Headers.first(headers, "Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("text/html")) {
            return true;
        }
        int start = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
        for (int i = start; i < body.length; i++) {
            if (!Character.isWhitespace(body[i])) {
                return body[i] == '<';
            }
        }
        return false;
    }

    private static String statusReason(int status) {
        if (status == 429) {
            return "rate_limited";
        }
        return status >= 500 && status <= 599 ? "server_error" : "unexpected_status";
    }

    private static CheckResult checkFailure(
            String reason, int status, String endpoint, String what, Map<String, List<String>> headers, Instant now) {
        return new CheckResult.Transient(reason, detail(status, endpoint, what), waitFor(reason, headers, now));
    }

    private static RefreshResult refreshFailure(
            String reason, int status, String what, Map<String, List<String>> headers, Instant now) {
        return new RefreshResult.Transient(reason, detail(status, TOKEN_ENDPOINT, what), waitFor(reason, headers, now));
    }

    private static Duration waitFor(String reason, Map<String, List<String>> headers, Instant now) {
        return reason.equals("rate_limited") ? RetryAfter.from(headers, now) : null;
    }

    private static String detail(int status, String endpoint, String what) {
        return "HTTP " + status + " from " + endpoint + (what == null ? "" : ": " + what);
    }

    /** Atlassian's {@code error} code when it is one (lower-case letters and underscores), else null. */
    private static String errorCode(JsonNode tree) {
        JsonNode error = tree.get("error");
        if (error == null || !error.isTextual() || !ERROR_CODE.matcher(error.textValue()).matches()) {
            return null;
        }
        return error.textValue();
    }

    private static String invalidGrantDescription(int status, JsonNode tree) {
        JsonNode description = tree.get("error_description");
        String text = "invalid_grant (HTTP " + status + ")";
        if (description != null && description.isTextual() && readsLikeASentence(description.textValue())) {
            text += ": " + description.textValue().strip();
        }
        return text;
    }

    // Quoted only when it cannot hold a token: short printable ASCII with no long word.
    private static boolean readsLikeASentence(String text) {
        if (text.length() > 120 || !text.chars().allMatch(c -> c >= ' ' && c <= '~')) {
            return false;
        }
        for (String word : text.split(" ")) {
            if (word.length() > LONGEST_SAFE_WORD) {
                return false;
            }
        }
        return true;
    }
}
