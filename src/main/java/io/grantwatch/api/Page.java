package io.grantwatch.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The one list envelope: {@code {"<key>": [...], "nextCursor": "..."}}, the items under the
 * resource's name (the API fixes {@code grants}, {@code events}, ...) and the cursor to pass for the
 * next page, null when there is none.
 */
record Page<T>(String key, List<T> items, String nextCursor) {
    /**
     * A page read with {@code limit}: only a full page can have more behind it, and then its last
     * item's id is where the next one starts.
     */
    static <T> Page<T> of(String key, List<T> items, int limit, ToLongFunction<T> id) {
        return new Page<>(key, items, items.size() == limit ? String.valueOf(id.applyAsLong(items.getLast())) : null);
    }

    @JsonValue
    Map<String, Object> json() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(key, items);
        body.put("nextCursor", nextCursor);
        return body;
    }
}
