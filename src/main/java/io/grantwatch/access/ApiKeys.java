package io.grantwatch.access;

import io.grantwatch.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured API keys. Each is kept as the SHA-256 of its text, whether it was given plain or
 * as {@code sha256:<hex>}; a presented key is hashed and compared with every configured digest,
 * all of them every time, with {@link MessageDigest#isEqual}: how long a refusal takes tells
 * neither how much of a key was right nor which key came close. Immutable and thread-safe.
 */
public final class ApiKeys {
    /** The name under which the single {@code http.apiKey} appears in the audit and the metrics. */
    public static final String SINGLE_KEY_NAME = "apiKey";
    private static final String SHA256_PREFIX = "sha256:";
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final List<Entry> entries;

    private record Entry(String name, byte[] digest, Set<Role> roles) {}

    /** A configured key that cannot be used: {@code key} is where, relative to {@code http} ({@code apiKeys[1].roles}). */
    public static final class InvalidException extends IllegalArgumentException {
        private final String key;
        private final String problem;

        InvalidException(String key, String problem) {
            super("http." + key + " " + problem);
            this.key = key;
            this.problem = problem;
        }

        public String key() {
            return key;
        }

        public String problem() {
            return problem;
        }
    }

    /** One key as configured: {@code key} is the key itself or {@code sha256:<hex of its SHA-256>}. */
    public record Spec(String name, String key, List<String> roles) {
        @Override
        public String toString() {
            return "Spec[name=" + name + ", roles=" + roles + "]";
        }
    }

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * {@code http.apiKeys} plus, when set, the single {@code http.apiKey} as a key with every role.
     *
     * @throws InvalidException naming the entry ({@code http.apiKeys[1].roles}) and never a key
     */
    public static ApiKeys of(List<Spec> specs, String singleKey) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec spec = specs.get(i);
            String at = "apiKeys[" + i + "]";
            if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
                throw new InvalidException(at + ".name", "must be 1 to 64 letters, digits, '_', '.' or '-'");
            }
            if (!names.add(spec.name())) {
                throw new InvalidException(at + ".name", "repeats the name of an earlier key");
            }
            entries.add(new Entry(spec.name(), digestOf(spec.key(), at + ".key"), roles(spec.roles(), at + ".roles")));
        }
        if (singleKey != null) {
            if (!names.add(SINGLE_KEY_NAME)) {
                throw new InvalidException("apiKeys", "names a key '" + SINGLE_KEY_NAME
                        + "', which is what http.apiKey is called: choose another name");
            }
            entries.add(new Entry(SINGLE_KEY_NAME, digestOf(singleKey, "apiKey"), EnumSet.allOf(Role.class)));
        }
        Set<String> digests = new HashSet<>();
        for (Entry entry : entries) {
            if (!digests.add(HexFormat.of().formatHex(entry.digest()))) {
                throw new InvalidException("apiKeys", "holds the same key twice (the second time as '" + entry.name() + "')");
            }
        }
        return new ApiKeys(entries);
    }

    /** {@code http.apiKeys} and {@code http.apiKey} of the configuration. */
    public static ApiKeys from(Config.Http http) {
        return of(http.apiKeys().stream().map(key -> new Spec(key.name(), key.key(), key.roles())).toList(), http.apiKey());
    }

    /** True when no key is configured: the API is open, as it has always been without {@code http.apiKey}. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The names of the configured keys, for metrics that exist from the start. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** The caller whose key this is, or empty for a missing or unknown key. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented.getBytes(StandardCharsets.UTF_8));
        Entry found = null;
        for (Entry entry : entries) {
            // No early exit: every digest is compared, so the time taken says nothing about which matched.
            if (MessageDigest.isEqual(entry.digest(), digest)) {
                found = entry;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.name(), found.roles()));
    }

    /** The value to put in the configuration instead of the key itself. */
    public static String hashed(String key) {
        return SHA256_PREFIX + HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] digestOf(String key, String at) {
        if (key == null || key.isBlank()) {
            throw new InvalidException(at, "must not be empty");
        }
        if (key.startsWith(SHA256_PREFIX)) {
            String hex = key.substring(SHA256_PREFIX.length());
            if (!HEX_DIGEST.matcher(hex).matches()) {
                throw new InvalidException(at, "starts with sha256: and must go on with the 64 hex digits of a SHA-256");
            }
            return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        }
        if (!key.chars().allMatch(c -> c > ' ' && c <= '~')) {
            throw new InvalidException(at, "must be printable ASCII without spaces (it goes into a header)");
        }
        return sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Set<Role> roles(List<String> names, String at) {
        if (names == null || names.isEmpty()) {
            throw new InvalidException(at, "must name at least one of read, write, tokens, admin");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            roles.add(Role.fromWireName(name).orElseThrow(() -> new InvalidException(
                    at, "holds an unknown role; known: read, write, tokens, admin")));
        }
        return roles;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
