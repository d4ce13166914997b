package io.grantwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;

/** {@code ${NAME}} and {@code ${NAME:-default}} in the values of the YAML tree, from the environment. Stateless. */
final class References {
    private References() {}

    static void substitute(ObjectNode tree, Map<String, String> env) {
        List<String> unset = new ArrayList<>();
        substitute(tree, "", new Resolver(env), unset);
        if (!unset.isEmpty()) {
            throw new ConfigException(String.join("\n", unset));
        }
    }

    private static void substitute(JsonNode node, String path, Resolver resolver, List<String> unset) {
        if (node instanceof ArrayNode array) {
            // Lists carry secrets too: encryption.previousKeys[0]: ${OLD_KEY}, webhooks[0].secret: ${HOOK_SECRET}
            for (int i = 0; i < array.size(); i++) {
                String key = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(resolver.resolve(array.get(i).asText(), key, unset)));
                } else {
                    substitute(array.get(i), key, resolver, unset);
                }
            }
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (field.getValue().isTextual()) {
                String value = resolver.resolve(field.getValue().asText(), key, unset);
                // "${SECRET:-}" with SECRET unset means "not configured", not "configured as empty".
                field.setValue(value.isEmpty() ? NullNode.getInstance() : new TextNode(value));
            } else {
                substitute(field.getValue(), key, resolver, unset);
            }
        }
    }

    /** Not thread-safe: it remembers the last variable it found unset. */
    private static final class Resolver {
        private final StringSubstitutor substitutor;
        private String lastUnset;

        Resolver(Map<String, String> env) {
            substitutor = new StringSubstitutor(name -> {
                String value = env.get(name);
                if (value == null) {
                    lastUnset = name;
                }
                return value;
            });
            substitutor.setEnableUndefinedVariableException(true);
            // A value from the environment is taken as it is, even if it holds "${": it may be a password.
            substitutor.setDisableSubstitutionInValues(true);
        }

        /** {@code value} with its references replaced; a reference nothing answers is added to {@code unset}. */
        String resolve(String value, String key, List<String> unset) {
            try {
                return substitutor.replace(value);
            } catch (IllegalArgumentException e) {
                // Thrown right after the lookup of the variable that has neither a value nor a default.
                unset.add(key + " refers to ${" + lastUnset + "}, which is not set");
                return value;
            }
        }
    }
}
