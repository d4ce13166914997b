package io.grantwatch.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An event about to be written to the feed: the feed adds its id, time and grant. {@code cloudId}
 * is null for events about the whole grant. {@code data} is a JSON-ready tree of String, Boolean,
 * Number, List and Map (nulls allowed, as JSON has them); it is copied deeply into unmodifiable
 * collections that keep the field order. Immutable.
 */
public record NewEvent(EventType type, String cloudId, Map<String, Object> data) {
    public NewEvent {
        Objects.requireNonNull(type, "type");
        data = copyOf(Objects.requireNonNull(data, "data"));
    }

    private static Map<String, Object> copyOf(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (!(key instanceof String name)) {
                throw new IllegalArgumentException("not a JSON field name: " + key);
            }
            copy.put(name, copyValue(value));
        });
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return copyOf(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(copyValue(element)));
            return Collections.unmodifiableList(copy);
        }
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
}
