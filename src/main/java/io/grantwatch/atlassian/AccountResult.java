package io.grantwatch.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.Json;
import java.io.IOException;
import java.util.regex.Pattern;

/** What {@code GET /me} told: the Atlassian account id, or why there is none. */
public sealed interface AccountResult {
    // Atlassian account ids are short printable ids (557058:3f..., or a 24-hex legacy id).
    Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9:_-]{1,128}");

    record Known(String accountId) implements AccountResult {}

    record Failed(String detail) implements AccountResult {}

    static AccountResult of(int status, byte[] body) {
        if (status != 200) {
            return new Failed("HTTP " + status + " from /me");
        }
        try {
            JsonNode me = Json.MAPPER.readTree(body);
            JsonNode id = me == null ? null : me.get("account_id");
            if (id == null || !id.isTextual() || !ACCOUNT_ID.matcher(id.textValue()).matches()) {
                return new Failed("/me answered without a usable account_id");
            }
            return new Known(id.textValue());
        } catch (IOException e) {
            return new Failed("/me answered a body that is not JSON");
        }
    }
}
