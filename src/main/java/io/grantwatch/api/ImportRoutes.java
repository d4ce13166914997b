package io.grantwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.grants.GrantImport;
import io.grantwatch.grants.GrantService;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@code POST /v1/grants/import}: many grants at once, each item judged on its own. */
final class ImportRoutes implements Route.Group {
    /** An import body may be far larger than {@code http.maxBodyBytes}: up to 10,000 grants with their tokens. */
    static final long MAX_BODY_BYTES = 64L * 1024 * 1024;

    private final GrantImport imports;
    private final Clock clock;

    ImportRoutes(GrantImport imports, Clock clock) {
        this.imports = imports;
        this.clock = clock;
    }

    @Override
    public List<Route> routes() {
        return List.of(Route.post("/v1/grants/import", Role.WRITE,
                "Register up to 10,000 grants at once; they take their places in the regular schedule", this::importAll));
    }

    private void importAll(Context ctx) {
        ObjectNode body = Requests.object(ctx.contentType(), read(ctx), java.util.Set.of("grants"));
        JsonNode grants = body.get("grants");
        if (grants == null || !grants.isArray()) {
            throw ApiException.badRequest("missing_field", "'grants' is required: an array of grants");
        }
        if (grants.size() > GrantImport.MAX_ITEMS) {
            throw ApiException.badRequest("too_many_items", "'grants' holds more than " + GrantImport.MAX_ITEMS + " items");
        }
        List<GrantImport.Item> items = new ArrayList<>(grants.size());
        for (JsonNode grant : grants) {
            items.add(item(grant));
        }
        GrantImport.Result result = imports.importAll(items);
        ctx.json(result);
    }

    private GrantImport.Item item(JsonNode grant) {
        try {
            if (!grant.isObject()) {
                throw ApiException.badRequest("invalid_item", "each item must be a JSON object");
            }
            ObjectNode fields = (ObjectNode) grant;
            Iterator<String> names = fields.fieldNames();
            while (names.hasNext()) {
                if (!GrantRoutes.REGISTER_FIELDS.contains(names.next())) {
                    throw ApiException.badRequest("unknown_field", "unknown field; expected some of "
                            + GrantRoutes.REGISTER_FIELDS.stream().sorted().toList());
                }
            }
            return GrantImport.Item.of(new GrantService.Registration(
                    Requests.string(fields, "externalId", false, 255),
                    Requests.string(fields, "label", false, 1000),
                    Requests.tokens(fields, clock),
                    Requests.instant(fields, "consentedAt")));
        } catch (ApiException e) {
            return GrantImport.Item.failed(e.code(), e.getMessage());
        }
    }

    /** The body, read past Javalin's size limit (which fits one grant) up to {@link #MAX_BODY_BYTES}. */
    private static byte[] read(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > MAX_BODY_BYTES) {
            throw new ApiException(413, "body_too_large", "an import body may hold at most " + MAX_BODY_BYTES + " bytes");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiException(413, "body_too_large", "an import body may hold at most " + MAX_BODY_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_body", "the request body cannot be read");
        }
    }
}
