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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the YAML configuration, applies {@code GRANTWATCH_*} environment overrides and
 * {@code ${ENV}} / {@code ${ENV:-default}} references, binds it to {@link Config} and validates it.
 * Every problem is a {@link ConfigException} that names the key.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("config", "grantwatch.yaml");
    private static final String ENV_PREFIX = "GRANTWATCH_";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);


    private ConfigLoader() {}

    /** Loads {@code file}, or {@code config/grantwatch.yaml} when file is null and it exists, or the defaults. */
    public static Config load(Path file, Map<String, String> env) {
        Path source = file != null ? file : (Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null);
        ObjectNode tree = source == null ? YAML.createObjectNode() : read(source);
        applyEnvironment(tree, env);
        substitute(tree, "", env);
        Config config = bind(tree);
        validate(config);
        return config;
    }

    /** The defaults with {@code GRANTWATCH_*} overrides only, whatever files lie around (demo, benchmark, tests). */
    public static Config fromEnvironment(Map<String, String> env) {
        ObjectNode tree = YAML.createObjectNode();
        applyEnvironment(tree, env);
        substitute(tree, "", env);
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
            throw new ConfigException(file + " is not valid YAML: " + e.getOriginalMessage()
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

    private static void substitute(JsonNode node, String path, Map<String, String> env) {
        if (node instanceof ArrayNode array) {
            // Lists carry secrets too: encryption.previousKeys[0]: ${OLD_KEY}, webhooks[0].secret: ${HOOK_SECRET}
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(resolve(array.get(i).asText(), path + "[" + i + "]", env)));
                } else {
                    substitute(array.get(i), path + "[" + i + "]", env);
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
                String value = resolve(field.getValue().asText(), key, env);
                // "${SECRET:-}" with SECRET unset means "not configured", not "configured as empty".
                field.setValue(value.isEmpty() ? NullNode.getInstance() : new TextNode(value));
            } else {
                substitute(field.getValue(), key, env);
            }
        }
    }

    private static String resolve(String value, String key, Map<String, String> env) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = env.get(matcher.group(1));
            if (replacement == null) {
                replacement = matcher.group(2);
            }
            if (replacement == null) {
                throw new ConfigException(key + " refers to ${" + matcher.group(1) + "}, which is not set");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static Config bind(ObjectNode tree) {
        try {
            return YAML.treeToValue(tree, Config.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown configuration key '" + pathOf(e) + "'; known keys: "
                    + String.join(", ", keyPaths()));
        } catch (InvalidFormatException e) {
            throw new ConfigException("configuration key '" + pathOf(e) + "' has a bad value '" + e.getValue() + "'"
                    + hint(e.getTargetType()));
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
        String url = config.jdbcUrl();
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("database.url must be an H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:) JDBC URL");
        }
        Config.Polling polling = config.polling();
        if (polling.interval().compareTo(java.time.Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("polling.interval must be at least PT1S");
        }
        positive("polling.batchSize", polling.batchSize());
        positive("polling.dispatchers", polling.dispatchers());
        positive("polling.concurrency", polling.concurrency());
        positive("polling.degradedAfter", polling.degradedAfter());
        positive("database.poolSize", config.database().poolSize());
        if (polling.retryBackoff().isNegative() || polling.retryBackoff().isZero()) {
            throw new ConfigException("polling.retryBackoff must be a positive duration");
        }
        if (polling.maxRequestsPerSecond() < 0) {
            throw new ConfigException("polling.maxRequestsPerSecond must not be negative (0: no ceiling)");
        }
        if (polling.removalConfirmDelay().isNegative()) {
            throw new ConfigException("polling.removalConfirmDelay must not be negative (PT0S: no confirmation)");
        }
        if (polling.dispatchPeriod().toMillis() < 10) {
            throw new ConfigException("polling.dispatchPeriod must be at least PT0.01S");
        }
        if (config.atlassian().requestTimeout().toMillis() < 1) {
            throw new ConfigException("atlassian.requestTimeout must be a positive duration");
        }
        int port = config.http().port();
        if (port < 0 || port > 65535) {
            throw new ConfigException("http.port must be between 0 and 65535");
        }
        if (config.http().apiKey() != null && config.http().apiKey().isBlank()) {
            throw new ConfigException("http.apiKey is set but empty");
        }
        if (config.encryption().key() != null) {
            aesKey("encryption.key", config.encryption().key());
        }
        List<String> previous = config.encryption().previousKeys();
        for (int i = 0; i < previous.size(); i++) {
            aesKey("encryption.previousKeys[" + i + "]", previous.get(i));
        }
        if (!previous.isEmpty() && config.encryption().key() == null) {
            throw new ConfigException("encryption.previousKeys needs encryption.key: the key tokens are encrypted with now");
        }
        if (config.proxy().maxBodyBytes() < 0) {
            throw new ConfigException("proxy.maxBodyBytes must not be negative");
        }
        if (config.proxy().timeout().toMillis() < 1) {
            throw new ConfigException("proxy.timeout must be a positive duration");
        }
        Config.Tokens tokens = config.tokens();
        if (tokens.refreshMargin().isNegative() || tokens.keepAliveInterval().compareTo(java.time.Duration.ofHours(1)) < 0
                || tokens.expiryWarning().isNegative()) {
            throw new ConfigException("tokens.refreshMargin and tokens.expiryWarning must not be negative, "
                    + "and tokens.keepAliveInterval must be at least PT1H");
        }
    }

    /** The base64 of 32 bytes; the message never repeats the value, which is a secret. */
    public static byte[] aesKey(String key, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " is not valid base64");
        }
        if (bytes.length != 32) {
            throw new ConfigException(key + " must be the base64 of 32 bytes, not " + bytes.length);
        }
        return bytes;
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new ConfigException(key + " must be at least 1");
        }
    }
}
