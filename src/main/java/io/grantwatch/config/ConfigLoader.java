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
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path.Node;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    // Without expression language: the messages, all written out on the records, hold {value}-style parameters at most.
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
        EnvironmentOverrides.apply(tree, env);
        References.substitute(tree, env);
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

    /** The environment variable that overrides {@code keyPath}: {@code database.url} -> {@code GRANTWATCH_DATABASE_URL}. */
    public static String envName(String keyPath) {
        return EnvironmentOverrides.envName(keyPath);
    }

    /** Every leaf key of the configuration, as dotted paths ({@code database.url}, ...). */
    public static List<String> keyPaths() {
        return EnvironmentOverrides.keyPaths();
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

    /** As {@link #keyOf}: {@code webhooks[0].grantIds}. */
    private static String pathOf(MismatchedInputException e) {
        StringBuilder key = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() == null) {
                key.append('[').append(reference.getIndex()).append(']');
            } else {
                key.append(key.isEmpty() ? "" : ".").append(reference.getFieldName());
            }
        }
        return key.toString();
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
