package io.grantwatch.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The daemon's configuration, bound from YAML by {@link ConfigLoader}. Every key has a default, so
 * an empty file (or none) is a valid configuration: embedded H2 in {@code ./data}, HTTP on 8080.
 * Immutable; the nested records are the YAML sections.
 *
 * <p>The compact constructors are the only place defaults are written down. The annotations are
 * the rules, checked by {@link ConfigLoader} before anything starts; a message names no value,
 * since values may be secrets. Records made in code are not checked.
 */
public record Config(
        Path dataDir,
        @Valid Database database,
        @Valid Atlassian atlassian,
        @Valid Polling polling,
        @Valid Tokens tokens,
        @Valid Http http,
        @Valid Encryption encryption,
        @UniqueWebhooks List<@Valid Webhook> webhooks,
        @Valid Delivery delivery,
        @Valid Audit audit,
        @Valid Proxy proxy) {

    public Config {
        dataDir = dataDir != null ? dataDir : Path.of("data");
        database = database != null ? database : new Database(null, null, null, null, null);
        atlassian = atlassian != null ? atlassian : new Atlassian(null, null, null, null, null, null, null, null);
        polling = polling != null ? polling : new Polling(null, null, null, null, null, null, null, null, null, null);
        tokens = tokens != null ? tokens : new Tokens(null, null, null);
        http = http != null ? http : new Http(null, null, null, null, null);
        encryption = encryption != null ? encryption : new Encryption(null, null);
        webhooks = webhooks != null ? List.copyOf(webhooks) : List.of();
        delivery = delivery != null ? delivery : new Delivery(null, null, null, null, null, null, null, null, null);
        audit = audit != null ? audit : new Audit(null);
        proxy = proxy != null ? proxy : new Proxy(null, null);
    }

    /** The JDBC URL, with the embedded default resolved against {@code dataDir}. */
    public String jdbcUrl() {
        if (database.url() != null) {
            return database.url();
        }
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("grantwatch") + ";AUTO_SERVER=FALSE";
    }

    public record Database(
            @Pattern(regexp = "(?s)jdbc:(h2|postgresql):.*",
                    message = "must be an H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:) JDBC URL") String url,
            String username,
            String password,
            @Min(value = 1, message = "must be at least 1") Integer poolSize,
            @DurationMin(millis = 250, message = "must be at least PT0.25S") Duration connectionTimeout) {
        public Database {
            poolSize = poolSize != null ? poolSize : 16;
            connectionTimeout = connectionTimeout != null ? connectionTimeout : Duration.ofSeconds(5);
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", username=" + username + ", poolSize=" + poolSize
                    + ", connectionTimeout=" + connectionTimeout + "]";
        }
    }

    /**
     * @param redirectUri the public URL of {@code /connect/callback}, as registered for the OAuth app; none: connecting is off
     * @param scopes what a connect asks for ({@code offline_access} is always added)
     * @param connectStateTtl how long a connect's {@code state} can be used
     */
    public record Atlassian(
            URI apiBaseUrl,
            URI authBaseUrl,
            String clientId,
            String clientSecret,
            @DurationMin(millis = 1, message = "must be a positive duration") Duration requestTimeout,
            @HttpUrl URI redirectUri,
            List<String> scopes,
            @DurationMin(seconds = 1, message = "must be at least PT1S") Duration connectStateTtl) {
        public Atlassian {
            apiBaseUrl = apiBaseUrl != null ? apiBaseUrl : URI.create("https://api.atlassian.com");
            authBaseUrl = authBaseUrl != null ? authBaseUrl : URI.create("https://auth.atlassian.com");
            requestTimeout = requestTimeout != null ? requestTimeout : Duration.ofSeconds(10);
            scopes = scopes != null ? List.copyOf(scopes) : List.of();
            connectStateTtl = connectStateTtl != null ? connectStateTtl : Duration.ofMinutes(10);
        }

        /** The consent flow needs the OAuth app and the callback URL. */
        public boolean canConnect() {
            return canRefresh() && redirectUri != null;
        }

        public boolean canRefresh() {
            return clientId != null && !clientId.isBlank() && clientSecret != null && !clientSecret.isBlank();
        }

        @Override
        public String toString() {
            return "Atlassian[apiBaseUrl=" + apiBaseUrl + ", authBaseUrl=" + authBaseUrl + ", clientId=" + clientId
                    + ", redirectUri=" + redirectUri + ", scopes=" + scopes + ", connectStateTtl=" + connectStateTtl + "]";
        }
    }

    /**
     * @param interval how often each grant is checked
     * @param batchSize how many due grants one dispatcher reads at a time, and the most results one group commit takes
     * @param dispatchers how many claim-and-check loops run on each node (Quartz jobs)
     * @param concurrency the ceiling of checks in flight on one node; below it the number follows demand
     *     (rate times latency, with room to spare)
     * @param degradedAfter consecutive transient failures before a grant is DEGRADED
     * @param retryBackoff the first retry delay after a transient failure; it doubles up to {@code interval}
     * @param dispatchPeriod how often each dispatcher looks for due grants
     * @param maxRequestsPerSecond a ceiling on calls to Atlassian from one node; 0 for none
     * @param removalConfirmDelay a site that vanishes is checked again this much later before it counts
     *     as revoked, so that a flapping gateway raises no false revocation; PT0S to trust one answer
     * @param commitDelay the longest a check result waits for more to share its group commit
     */
    public record Polling(
            @DurationMin(seconds = 1, message = "must be at least PT1S") Duration interval,
            @Min(value = 1, message = "must be at least 1") Integer batchSize,
            @Min(value = 1, message = "must be at least 1") Integer dispatchers,
            @Min(value = 1, message = "must be at least 1") Integer concurrency,
            @Min(value = 1, message = "must be at least 1") Integer degradedAfter,
            @DurationMin(nanos = 0, inclusive = false, message = "must be a positive duration") Duration retryBackoff,
            @DurationMin(millis = 10, message = "must be at least PT0.01S") Duration dispatchPeriod,
            @PositiveOrZero(message = "must not be negative (0: no ceiling)") Double maxRequestsPerSecond,
            @DurationMin(nanos = 0, message = "must not be negative (PT0S: no confirmation)") Duration removalConfirmDelay,
            @DurationMin(nanos = 0, message = "must not be negative") Duration commitDelay) {
        public Polling {
            interval = interval != null ? interval : Duration.ofMinutes(5);
            batchSize = batchSize != null ? batchSize : 500;
            dispatchers = dispatchers != null ? dispatchers : 4;
            concurrency = concurrency != null ? concurrency : 2048;
            degradedAfter = degradedAfter != null ? degradedAfter : 3;
            retryBackoff = retryBackoff != null ? retryBackoff : Duration.ofSeconds(15);
            dispatchPeriod = dispatchPeriod != null ? dispatchPeriod : Duration.ofSeconds(1);
            maxRequestsPerSecond = maxRequestsPerSecond != null ? maxRequestsPerSecond : 0.0;
            removalConfirmDelay = removalConfirmDelay != null ? removalConfirmDelay : Duration.ofSeconds(30);
            commitDelay = commitDelay != null ? commitDelay : Duration.ofMillis(50);
        }
    }

    /**
     * @param apiKey one key with every role (the form from before keys had roles)
     * @param apiKeys named keys, each with its roles; see {@link ApiKey}
     */
    @ValidApiKeys
    public record Http(
            @Range(min = 0, max = 65535, message = "must be between {min} and {max}") Integer port,
            String host,
            @Pattern(regexp = "(?s).*\\S.*", message = "is set but empty") String apiKey,
            Long maxBodyBytes,
            List<ApiKey> apiKeys) {
        public Http {
            port = port != null ? port : 8080;
            host = host != null ? host : "0.0.0.0";
            maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 64 * 1024L;
            apiKeys = apiKeys != null ? List.copyOf(apiKeys) : List.of();
        }

        @Override
        public String toString() {
            return "Http[port=" + port + ", host=" + host + ", apiKey=" + (apiKey == null ? "none" : "set")
                    + ", apiKeys=" + apiKeys + "]";
        }
    }

    /**
     * One API key of {@code http.apiKeys}; checked with the others ({@link ValidApiKeys}). {@code toString}
     * never shows the key.
     *
     * @param name what the audit and the metrics call the key's holder
     * @param key the key itself, or {@code sha256:<hex of its SHA-256>} so that the file need not hold it
     * @param roles some of {@code read}, {@code write}, {@code tokens}, {@code admin}
     */
    public record ApiKey(String name, String key, List<String> roles) {
        public ApiKey {
            roles = roles != null ? List.copyOf(roles) : List.of();
        }

        @Override
        public String toString() {
            return "ApiKey[name=" + name + ", roles=" + roles + "]";
        }
    }

    /** @param retention how long audit entries are kept; older ones are removed every hour, in batches */
    public record Audit(@DurationMin(hours = 1, message = "must be at least PT1H") Duration retention) {
        public Audit {
            retention = retention != null ? retention : Duration.ofDays(90);
        }
    }

    /**
     * @param refreshMargin refresh an access token ahead of its expiry, between half of this and all of it
     *     (drawn per grant and token, so that grants registered together do not refresh together)
     * @param keepAliveInterval refresh every grant at least this often: refresh tokens die after 90 days unused
     * @param expiryWarning emit grant.expiring this long before the refresh token's 365-day limit
     */
    public record Tokens(
            @DurationMin(nanos = 0, message = "must not be negative") Duration refreshMargin,
            @DurationMin(hours = 1, message = "must be at least PT1H") Duration keepAliveInterval,
            @DurationMin(nanos = 0, message = "must not be negative") Duration expiryWarning) {
        public Tokens {
            refreshMargin = refreshMargin != null ? refreshMargin : Duration.ofMinutes(5);
            keepAliveInterval = keepAliveInterval != null ? keepAliveInterval : Duration.ofDays(7);
            expiryWarning = expiryWarning != null ? expiryWarning : Duration.ofDays(14);
        }
    }

    /**
     * @param key the key new tokens are encrypted with (base64 of 32 bytes)
     * @param previousKeys older keys, still accepted for reading until {@code tokens reencrypt} has run
     */
    @PreviousKeysNeedKey
    public record Encryption(@AesKey String key, List<@AesKey String> previousKeys) {
        public Encryption {
            previousKeys = previousKeys != null ? List.copyOf(previousKeys) : List.of();
        }

        @Override
        public String toString() {
            return "Encryption[key=" + (key == null ? "none" : "set") + ", previousKeys=" + previousKeys.size() + "]";
        }
    }

    /**
     * A webhook subscription from the YAML file. {@code url} may
     * itself be a credential (Slack's are), so {@code toString} shows only its host.
     *
     * @param format {@code cloudevents} (the default) or {@code slack}
     * @param secret {@code whsec_...}; required for cloudevents
     */
    @ValidWebhook
    public record Webhook(String url, List<String> types, List<Long> grantIds, String secret, String format) {
        public Webhook {
            types = types != null ? List.copyOf(types) : List.of();
            grantIds = grantIds != null ? List.copyOf(grantIds) : List.of();
            format = format != null ? format : "cloudevents";
        }

        @Override
        public String toString() {
            String host = url;
            try {
                host = URI.create(url).getHost();
            } catch (IllegalArgumentException | NullPointerException ignored) {
                // not a URL: say nothing about it
            }
            return "Webhook[host=" + host + ", format=" + format + ", secret=" + (secret == null ? "none" : "set") + "]";
        }
    }

    /**
     * How webhooks are delivered.
     *
     * @param initialBackoff the first retry delay (full jitter: a random delay up to it); it doubles per attempt
     * @param maxBackoff the cap of the retry delay
     * @param maxAttempts attempts at one event before the subscription is marked failing
     * @param requestTimeout the longest one delivery request may take, body included
     * @param pollInterval how often the outbox is read for events written by other nodes
     * @param lease how long a node owns a subscription without renewing it; a dead node's subscriptions move after it
     * @param secretOverlap how long the previous secret still signs after a rotation
     * @param source the CloudEvents {@code source} attribute
     * @param allowPrivateNetworks whether receivers may be on loopback or private networks (link-local
     *     and cloud metadata addresses never may)
     */
    @BackoffInOrder
    public record Delivery(
            @DurationMin(nanos = 0, inclusive = false, message = "must be a positive duration") Duration initialBackoff,
            Duration maxBackoff,
            @Min(value = 1, message = "must be at least 1") Integer maxAttempts,
            @DurationMin(nanos = 0, inclusive = false, message = "must be a positive duration") Duration requestTimeout,
            @DurationMin(millis = 10, message = "must be at least PT0.01S") Duration pollInterval,
            @DurationMin(seconds = 1, message = "must be at least PT1S") Duration lease,
            @DurationMin(nanos = 0, message = "must not be negative") Duration secretOverlap,
            @NotBlank(message = "must not be empty") String source,
            Boolean allowPrivateNetworks) {
        public Delivery {
            initialBackoff = initialBackoff != null ? initialBackoff : Duration.ofSeconds(1);
            maxBackoff = maxBackoff != null ? maxBackoff : Duration.ofMinutes(10);
            maxAttempts = maxAttempts != null ? maxAttempts : 12;
            requestTimeout = requestTimeout != null ? requestTimeout : Duration.ofSeconds(10);
            pollInterval = pollInterval != null ? pollInterval : Duration.ofMillis(200);
            lease = lease != null ? lease : Duration.ofSeconds(30);
            secretOverlap = secretOverlap != null ? secretOverlap : Duration.ofHours(24);
            source = source != null ? source : "urn:grantwatch";
            allowPrivateNetworks = allowPrivateNetworks != null ? allowPrivateNetworks : true;
        }
    }

    /**
     * Site API calls made through {@code /v1/grants/{id}/proxy/...}.
     *
     * @param maxBodyBytes the largest request body passed on; a larger one is refused with 413 (it is streamed, never held)
     * @param timeout how long the site may take to start its answer before the caller gets 504
     */
    public record Proxy(
            @PositiveOrZero(message = "must not be negative") Long maxBodyBytes,
            @DurationMin(millis = 1, message = "must be a positive duration") Duration timeout) {
        public Proxy {
            maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 10L * 1024 * 1024;
            timeout = timeout != null ? timeout : Duration.ofSeconds(30);
        }
    }

    @Override
    public String toString() {
        return "Config[dataDir=" + dataDir + ", database=" + database.url() + ", " + atlassian + ", " + polling + ", "
                + tokens + ", " + http + ", " + encryption + ", webhooks=" + webhooks + ", " + delivery + ", " + audit + ", "
                + proxy + "]";
    }
}
