package io.grantwatch.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path.Node;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.text.StringSubstitutor;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the YAML configuration, applies {@code GRANTWATCH_*} environment overrides and
 * {@code ${ENV}} / {@code ${ENV:-default}} references, binds it to {@link Config} and checks the
 * constraints on its records. Every problem is a {@link ConfigException} that names the key; all
 * problems of one step are reported together. Thread-safe.
 */
public final class ConfigLoader {
    private static final Path DEFAULT_FILE = Path.of("config", "grantwatch.yaml");
    private static final String ENV_PREFIX = "GRANTWATCH_";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    // Without expression language: messages are plain text with {value}-style parameters only.
    private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory()
            .getValidator();

    private ConfigLoader() {}

    /** Loads {@code file}, or {@code config/grantwatch.yaml} when file is null and it exists, or the defaults. */
    public static Config load(Path file, Map<String, String> env) {
        Path source = file != null ? file : (Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null);
        return fromTree(source == null ? YAML.createObjectNode() : read(source), env);
    }

    /** The defaults with {@code GRANTWATCH_*} overrides only, whatever files lie around (demo, benchmark, tests). */
    public static Config fromEnvironment(Map<String, String> env) {
        return fromTree(YAML.createObjectNode(), env);
    }

    private static Config fromTree(ObjectNode tree, Map<String, String> env) {
        applyEnvironment(tree, env);
        substitute(tree, env);
        Config config = bind(tree);
        validate(config);
        return config;
    }

    private static ObjectNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(file + ": the configuration must be a YAML mapping of keys");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            // SnakeYAML's own message quotes the line, which may hold a secret: say only what is wrong, and where.
            String problem = e.getCause() instanceof MarkedYAMLException yaml ? yaml.getProblem() : "cannot be parsed";
            throw new ConfigException(file + " is not valid YAML: " + problem
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** {@code GRANTWATCH_DATABASE_URL} overrides {@code database.url}; every key of {@link Config} has such a name. */
    private static void applyEnvironment(ObjectNode tree, Map<String, String> env) {
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

    public static String envName(String keyPath) {
        return ENV_PREFIX + keyPath.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** Every leaf key of the configuration, as dotted paths ({@code database.url}, ...). */
    public static List<String> keyPaths() {
        return List.copyOf(keys().keySet());
    }

    /**
     * The keys an environment variable can set, read off the {@link Config} records, each with
     * whether it is a list of plain values (given comma-separated). A list of objects (webhooks) has
     * no single value a variable could hold: it is set in YAML only.
     */
    private static Map<String, Boolean> keys() {
        Map<String, Boolean> keys = new java.util.LinkedHashMap<>();
        collect(Config.class, "", keys);
        return keys;
    }

    private static void collect(Class<?> record, String prefix, Map<String, Boolean> keys) {
        for (java.lang.reflect.RecordComponent component : record.getRecordComponents()) {
            String path = prefix.isEmpty() ? component.getName() : prefix + "." + component.getName();
            Class<?> type = component.getType();
            if (type.isRecord()) {
                collect(type, path, keys);
            } else if (List.class.isAssignableFrom(type)) {
                var element = ((java.lang.reflect.ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
                if (!(element instanceof Class<?> elementClass && elementClass.isRecord())) {
                    keys.put(path, true);
                }
            } else {
                keys.put(path, false);
            }
        }
    }

    private static void substitute(ObjectNode tree, Map<String, String> env) {
        List<String> unset = new ArrayList<>();
        substitute(tree, "", new References(env), unset);
        if (!unset.isEmpty()) {
            throw new ConfigException(String.join("\n", unset));
        }
    }

    private static void substitute(JsonNode node, String path, References references, List<String> unset) {
        if (node instanceof ArrayNode array) {
            // Lists carry secrets too: encryption.previousKeys[0]: ${OLD_KEY}, webhooks[0].secret: ${HOOK_SECRET}
            for (int i = 0; i < array.size(); i++) {
                String key = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(references.resolve(array.get(i).asText(), key, unset)));
                } else {
                    substitute(array.get(i), key, references, unset);
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
                String value = references.resolve(field.getValue().asText(), key, unset);
                // "${SECRET:-}" with SECRET unset means "not configured", not "configured as empty".
                field.setValue(value.isEmpty() ? NullNode.getInstance() : new TextNode(value));
            } else {
                substitute(field.getValue(), key, references, unset);
            }
        }
    }

    /** {@code ${NAME}} and {@code ${NAME:-default}} from the environment; not thread-safe. */
    private static final class References {
        private final StringSubstitutor substitutor;
        private String lastUnset;

        References(Map<String, String> env) {
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

    private static Config bind(ObjectNode tree) {
        try {
            return YAML.treeToValue(tree, Config.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown configuration key '" + pathOf(e) + "'; known keys: "
                    + String.join(", ", keyPaths()));
        } catch (InvalidFormatException e) {
            // Not the value itself: it may have come from a secret.
            throw new ConfigException("configuration key '" + pathOf(e) + "' has a bad value" + hint(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new ConfigException("configuration key '" + pathOf(e) + "' has a value of the wrong type"
                    + hint(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new ConfigException("bad configuration: " + e.getOriginalMessage());
        }
    }

    private static String pathOf(MismatchedInputException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String hint(Class<?> type) {
        if (type == java.time.Duration.class) {
            return " (expected an ISO-8601 duration such as PT5M)";
        }
        if (type == Double.class) {
            return " (expected a number)";
        }
        if (type == Integer.class || type == Long.class) {
            return " (expected a whole number)";
        }
        return type == null ? "" : " (expected " + type.getSimpleName() + ")";
    }

    private static void validate(Config config) {
        List<String> problems = VALIDATOR.validate(config).stream()
                .map(violation -> keyOf(violation) + " " + violation.getMessage())
                .sorted()
                .toList();
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
    }

    /** The key as the YAML file spells it: {@code polling.batchSize}, {@code webhooks[0].secret}. */
    private static String keyOf(ConstraintViolation<Config> violation) {
        StringBuilder key = new StringBuilder();
        for (Node node : violation.getPropertyPath()) {
            if (node.getIndex() != null) {
                key.append('[').append(node.getIndex()).append(']');
            }
            // A list element's own node is named "<list element>"; the index above says which.
            if (node.getName() != null && !node.getName().startsWith("<")) {
                key.append(key.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return key.toString();
    }

    /** The base64 of 32 bytes; the message never repeats the value, which is a secret. */
    public static byte[] aesKey(String key, String base64) {
        String problem = AesKey.Validator.problem(base64);
        if (problem != null) {
            throw new ConfigException(key + " " + problem);
        }
        return Base64.getDecoder().decode(base64.trim());
    }
}
