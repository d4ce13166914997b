package io.grantwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GRANTWATCH_*} variables, written into the YAML tree before it is bound. Stateless. */
final class EnvironmentOverrides {
    private static final String PREFIX = "GRANTWATCH_";

    private EnvironmentOverrides() {}

    /** {@code GRANTWATCH_DATABASE_URL} overrides {@code database.url}; every key of {@link Config} has such a name. */
    static void apply(ObjectNode tree, Map<String, String> env) {
        Map<String, Boolean> keys = keys();
        for (String path : keys.keySet()) {
            String value = env.get(envName(path));
            if (value == null) {
                continue;
            }
            boolean list = keys.get(path);
            String[] parts = path.split("\\.");
            ObjectNode parent = tree;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = parent.get(parts[i]);
                if (!(child instanceof ObjectNode)) {
                    child = parent.putObject(parts[i]);
                }
                parent = (ObjectNode) child;
            }
            if (list) {
                // A list from one variable: comma-separated values.
                var array = parent.putArray(parts[parts.length - 1]);
                for (String item : value.split(",")) {
                    if (!item.isBlank()) {
                        array.add(item.trim());
                    }
                }
            } else {
                parent.put(parts[parts.length - 1], value);
            }
        }
    }

    static String envName(String keyPath) {
        return PREFIX + keyPath.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    static List<String> keyPaths() {
        return List.copyOf(keys().keySet());
    }

    /**
     * The keys an environment variable can set, read off the {@link Config} records, each with
     * whether it is a list of plain values (given comma-separated). A list of objects (webhooks) has
     * no single value a variable could hold: it is set in YAML only.
     */
    private static Map<String, Boolean> keys() {
        Map<String, Boolean> keys = new LinkedHashMap<>();
        collect(Config.class, "", keys);
        return keys;
    }

    private static void collect(Class<?> record, String prefix, Map<String, Boolean> keys) {
        for (RecordComponent component : record.getRecordComponents()) {
            String path = prefix.isEmpty() ? component.getName() : prefix + "." + component.getName();
            Class<?> type = component.getType();
            if (type.isRecord()) {
                collect(type, path, keys);
            } else if (List.class.isAssignableFrom(type)) {
                var element = ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
                if (!(element instanceof Class<?> elementClass && elementClass.isRecord())) {
                    keys.put(path, true);
                }
            } else {
                keys.put(path, false);
            }
        }
    }
}
