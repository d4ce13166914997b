package io.grantwatch.atlassian;

import java.util.List;
import java.util.Map;

/** Case-insensitive lookups in a header map of any origin (HTTP header names ignore case). */
final class Headers {
    private Headers() {}

    /** The first value of the named header, trimmed, or null when it is absent or blank. */
    static String first(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (name.equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                for (String value : header.getValue()) {
                    if (value != null && !value.isBlank()) {
                        return value.trim();
                    }
                }
            }
        }
        return null;
    }
}
