package io.grantwatch.delivery;

import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigException;
import io.grantwatch.core.EventType;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.crypto.TokenCipherException;
import io.grantwatch.db.EventDao;
import io.grantwatch.db.Format;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.Subscription;
import io.grantwatch.db.WebhookDao;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook subscriptions: from the API and from the YAML file. Secrets are stored encrypted with
 * the token cipher and shown once, when made. Thread-safe.
 */
public final class WebhookService {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    static final int MAX_GRANT_IDS = 1000;

    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final DeliveryEngine engine;
    private final Config.Delivery settings;
    private final Clock clock;
    private final ReceiverGuard guard;

    public WebhookService(Jdbi jdbi, TokenCipher cipher, DeliveryEngine engine, Config.Delivery settings, Clock clock) {
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.engine = engine;
        this.settings = settings;
        this.clock = clock;
        this.guard = new ReceiverGuard(settings.allowPrivateNetworks());
    }

    /** What {@code POST /v1/webhooks} asks for; null lists mean "all". */
    public record NewWebhook(String url, List<String> types, List<Long> grantIds, String format) {}

    /** The only answers that carry a secret: creation and rotation. */
    public record Secret(long id, String secret) {}

    public Secret create(NewWebhook request) {
        String problem = Urls.problem(request.url());
        problem = problem != null ? problem : guard.problem(request.url());
        if (problem != null) {
            throw WebhookException.invalid("'url' " + problem);
        }
        Format format = format(request.format(), "'format'", WebhookException::invalid);
        List<String> types = types(request.types(), "'types'", WebhookException::invalid);
        List<Long> grantIds = grantIds(request.grantIds(), "'grantIds'", WebhookException::invalid);
        String secret = WebhookSecrets.generate();
        long id = jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            for (long grantId : grantIds) {
                if (grants.find(grantId).filter(grant -> !grant.deleted()).isEmpty()) {
                    throw WebhookException.invalid("'grantIds' names grant " + grantId + ", which does not exist");
                }
            }
            WebhookDao dao = new WebhookDao(handle);
            // A new subscription hears about what happens from now on; redeliver reaches back.
            return dao.insert(new WebhookDao.NewSubscription(request.url(), format, types, grantIds,
                    Subscription.Origin.API, null, cipher.encrypt(secret), new EventDao(handle).latestId(), clock.instant()));
        });
        engine.nudge();
        return new Secret(id, secret);
    }

    public List<WebhookView> list(long afterId, int limit) {
        return jdbi.withHandle(handle -> new WebhookDao(handle).list(afterId, limit)).stream().map(WebhookView::of).toList();
    }

    public WebhookView get(long id) {
        return WebhookView.of(live(id));
    }

    public void delete(long id) {
        Subscription subscription = live(id);
        if (subscription.origin() == Subscription.Origin.CONFIG) {
            throw configured();
        }
        jdbi.useHandle(handle -> new WebhookDao(handle).delete(id, clock.instant()));
        engine.nudge();
    }

    /** Newest first. */
    public List<DeliveryView> deliveries(long id, long beforeId, int limit) {
        live(id);
        return jdbi.withHandle(handle -> new WebhookDao(handle).deliveries(id, beforeId, limit)).stream()
                .map(DeliveryView::of).toList();
    }

    /**
     * Delivers again from event {@code fromEventId} (inclusive), or from the cursor when null, and
     * clears "failing". Events are delivered again with the same {@code webhook-id}.
     */
    public WebhookView redeliver(long id, Long fromEventId) {
        Subscription subscription = live(id);
        long cursor = subscription.deliveredThrough();
        if (fromEventId != null) {
            long latest = jdbi.withHandle(handle -> new EventDao(handle).latestId());
            if (fromEventId < 1 || fromEventId > latest + 1) {
                throw WebhookException.invalidParameter("'from' must be an event id from 1 to " + (latest + 1));
            }
            cursor = fromEventId - 1;
        }
        long moveTo = cursor;
        if (!jdbi.withHandle(handle -> new WebhookDao(handle).redeliver(id, moveTo))) {
            throw WebhookException.unknown();
        }
        engine.nudge();
        return get(id);
    }

    /** A new secret; the previous one still signs, beside it, for {@code delivery.secretOverlap}. */
    public Secret rotateSecret(long id) {
        Subscription subscription = live(id);
        if (subscription.origin() == Subscription.Origin.CONFIG) {
            throw configured();
        }
        String secret = WebhookSecrets.generate();
        Instant until = clock.instant().plus(settings.secretOverlap());
        jdbi.useHandle(handle -> new WebhookDao(handle).setSecrets(id, cipher.encrypt(secret), subscription.secret(), until));
        return new Secret(id, secret);
    }

    /**
     * Makes the subscriptions of the YAML file exist, each once however many nodes start with it:
     * an entry is found again by a key made of its url, format and filters, so that it keeps its
     * cursor across restarts. A changed secret becomes the current one and the old one overlaps.
     * Entries gone from the file are deleted.
     */
    public void syncConfigured(List<Config.Webhook> entries) {
        // Where a url's host points is a question for this daemon's network and settings, not the file's.
        for (int i = 0; i < entries.size(); i++) {
            String problem = guard.problem(entries.get(i).url());
            if (problem != null) {
                throw new ConfigException("webhooks[" + i + "].url " + problem);
            }
        }
        // ConfigLoader has applied WebhookRules to every entry: they are valid and distinct here.
        Set<String> keys = new TreeSet<>();
        for (Config.Webhook entry : entries) {
            String key = configKey(entry);
            keys.add(key);
            upsertConfigured(key, entry.url(), configuredFormat(entry), configuredTypes(entry), configuredGrantIds(entry),
                    entry.secret());
        }
        jdbi.useHandle(handle -> {
            WebhookDao dao = new WebhookDao(handle);
            for (Subscription gone : dao.configured()) {
                if (!keys.contains(gone.configKey())) {
                    dao.delete(gone.id(), clock.instant());
                    log.info("Webhook {} was removed from the configuration file; deleted", gone.id());
                }
            }
        });
        engine.nudge();
    }

    private void upsertConfigured(String key, String url, Format format, List<String> types, List<Long> grantIds,
            String secret) {
        try {
            jdbi.useTransaction(handle -> {
                WebhookDao dao = new WebhookDao(handle);
                var existing = dao.findByConfigKey(key);
                if (existing.isEmpty()) {
                    dao.insert(new WebhookDao.NewSubscription(url, format, types, grantIds, Subscription.Origin.CONFIG, key,
                            cipher.encrypt(secret), new EventDao(handle).latestId(), clock.instant()));
                } else if (!Objects.equals(secret, decryptOrNull(existing.get().secret()))) {
                    Subscription old = existing.get();
                    dao.setSecrets(old.id(), cipher.encrypt(secret), old.secret(), clock.instant().plus(settings.secretOverlap()));
                    log.info("Webhook {}: the secret in the configuration file changed; the old one signs beside it until {}",
                            old.id(), clock.instant().plus(settings.secretOverlap()));
                }
            });
        } catch (UnableToExecuteStatementException e) {
            // Another node inserted the same entry at the same moment: the unique key let one of us win.
            if (jdbi.withHandle(handle -> new WebhookDao(handle).findByConfigKey(key)).isEmpty()) {
                throw e;
            }
        }
    }

    private String decryptOrNull(String stored) {
        try {
            return cipher.decrypt(stored);
        } catch (TokenCipherException e) {
            return null;
        }
    }

    private Subscription live(long id) {
        return jdbi.withHandle(handle -> new WebhookDao(handle).find(id))
                .filter(subscription -> !subscription.deleted())
                .orElseThrow(WebhookException::unknown);
    }

    private static WebhookException configured() {
        return new WebhookException(WebhookException.Kind.CONFIGURED,
                "this webhook comes from the configuration file: change it there and restart");
    }

    // ---- validation, shared by the API and the YAML file (WebhookRules) ----

    private static void refuse(String problem, String field, Function<String, RuntimeException> refusal) {
        if (problem != null) {
            throw refusal.apply(field + " " + problem);
        }
    }

    private static Format format(String name, String field, Function<String, RuntimeException> refusal) {
        refuse(formatProblem(name), field, refusal);
        return name == null ? Format.CLOUDEVENTS : Format.fromWireName(name).orElseThrow();
    }

    /** Null when {@code name} is a format (null: the default), else what is wrong with it. */
    static String formatProblem(String name) {
        return name == null || Format.fromWireName(name).isPresent() ? null : "must be 'cloudevents' or 'slack'";
    }

    private static List<String> types(List<String> types, String field, Function<String, RuntimeException> refusal) {
        refuse(typesProblem(types), field, refusal);
        return types == null ? List.of() : List.copyOf(new TreeSet<>(types));
    }

    /** Null when {@code types} are event types (null: every type), else what is wrong with them. */
    static String typesProblem(List<String> types) {
        if (types == null) {
            return null;
        }
        if (types.isEmpty()) {
            return "must not be empty: leave it out to receive every type";
        }
        for (String type : types) {
            if (type == null || EventType.fromWireName(type).isEmpty()) {
                return "holds an unknown event type; known: " + Arrays.stream(EventType.values())
                        .map(EventType::wireName).collect(Collectors.joining(", "));
            }
        }
        return null;
    }

    private static List<Long> grantIds(List<Long> grantIds, String field, Function<String, RuntimeException> refusal) {
        refuse(grantIdsProblem(grantIds), field, refusal);
        return grantIds == null ? List.of() : List.copyOf(new TreeSet<>(grantIds));
    }

    /** Null when {@code grantIds} are grant ids (null: every grant), else what is wrong with them. */
    static String grantIdsProblem(List<Long> grantIds) {
        if (grantIds == null) {
            return null;
        }
        if (grantIds.isEmpty()) {
            return "must not be empty: leave it out to hear about every grant";
        }
        if (grantIds.size() > MAX_GRANT_IDS) {
            return "may name at most " + MAX_GRANT_IDS + " grants";
        }
        for (Long grantId : grantIds) {
            if (grantId == null || grantId < 1) {
                return "must hold grant ids (positive whole numbers)";
            }
        }
        return null;
    }

    // In the YAML file an empty list means the same as none: every type, every grant.

    static Format configuredFormat(Config.Webhook entry) {
        return Format.fromWireName(entry.format()).orElseThrow();
    }

    static List<String> configuredTypes(Config.Webhook entry) {
        return List.copyOf(new TreeSet<>(entry.types()));
    }

    static List<Long> configuredGrantIds(Config.Webhook entry) {
        return List.copyOf(new TreeSet<>(entry.grantIds()));
    }

    /** What finds a configured entry again across restarts and nodes; for a valid entry only. */
    static String configKey(Config.Webhook entry) {
        return configKey(entry.url(), configuredFormat(entry), configuredTypes(entry), configuredGrantIds(entry));
    }

    static String configKey(String url, Format format, List<String> types, List<Long> grantIds) {
        String identity = format.wireName() + "\n" + url + "\n" + types + "\n" + grantIds;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
