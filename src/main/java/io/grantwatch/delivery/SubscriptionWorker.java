package io.grantwatch.delivery;

import io.grantwatch.config.Config;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.crypto.TokenCipherException;
import io.grantwatch.db.EventDao;
import io.grantwatch.db.EventRow;
import io.grantwatch.db.Format;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.Subscription;
import io.grantwatch.db.WebhookDao;
import io.grantwatch.events.EventSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one subscription's events, one at a time and in feed order, while this node holds its
 * lease: reads the next wanted event after the cursor, posts it, and logs the attempt in the same
 * transaction that moves the cursor (success) or schedules the retry (failure). Each subscription
 * has its own worker on its own virtual thread, so a slow receiver only ever delays itself.
 * Runs until the subscription is gone, failing or no longer leased here; the engine starts it
 * again when needed.
 */
final class SubscriptionWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionWorker.class);
    private static final int PAGE = 200;

    private final long id;
    private final String node;
    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final EventSignal newEvents;
    private final WebhookSender sender;
    private final Backoff backoff;
    private final DeliveryMetrics metrics;
    private final Config.Delivery settings;
    private final Clock clock;
    /** How long an idle worker waits before it looks again unasked: for changes made on another node. */
    private final Duration idleRecheck;

    SubscriptionWorker(long id, String node, Jdbi jdbi, TokenCipher cipher, EventSignal newEvents, WebhookSender sender,
            Backoff backoff, DeliveryMetrics metrics, Config.Delivery settings, Clock clock) {
        this.id = id;
        this.node = node;
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.newEvents = newEvents;
        this.sender = sender;
        this.backoff = backoff;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.idleRecheck = settings.pollInterval().multipliedBy(5).compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : settings.pollInterval().multipliedBy(5);
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted() && deliverNext()) {
                // one step per turn: every turn reads the subscription again, so a redeliver or delete is seen at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The database may be away; the engine starts a new worker on its next round.
            log.warn("Webhook {}: delivery paused, to be resumed: {}", id, rootMessage(e));
        }
    }

    /** One step; false when this worker should stop. */
    private boolean deliverNext() throws InterruptedException {
        long seen = newEvents.generation();
        Instant now = clock.instant();
        Optional<Subscription> found = jdbi.withHandle(handle -> new WebhookDao(handle).find(id));
        if (found.isEmpty() || !isOurs(found.get(), now)) {
            return false;
        }
        Subscription subscription = found.get();
        Optional<EventRow> next = nextWanted(subscription);
        if (next.isEmpty()) {
            newEvents.await(seen, idleRecheck);
            return true;
        }
        if (subscription.nextAttemptAt() != null && subscription.nextAttemptAt().isAfter(now)) {
            Duration due = Duration.between(now, subscription.nextAttemptAt());
            newEvents.await(seen, due.compareTo(idleRecheck) < 0 ? due : idleRecheck);
            return true;
        }
        return attempt(subscription, next.get());
    }

    private boolean isOurs(Subscription subscription, Instant now) {
        return !subscription.deleted() && !subscription.failing() && node.equals(subscription.leasedBy())
                && !subscription.leaseUntil().isBefore(now);
    }

    /**
     * The first event after the cursor that the subscription wants. When there is none, the cursor
     * moves past the unwanted ones, so that lag and later reads start from there.
     */
    private Optional<EventRow> nextWanted(Subscription subscription) {
        return jdbi.withHandle(handle -> {
            EventDao events = new EventDao(handle);
            long cursor = subscription.deliveredThrough();
            while (true) {
                List<EventRow> page = events.after(cursor, PAGE, null, List.of());
                for (EventRow event : page) {
                    if (subscription.matches(event)) {
                        return Optional.of(event);
                    }
                    cursor = event.id();
                }
                if (page.size() < PAGE) {
                    if (cursor != subscription.deliveredThrough()) {
                        new WebhookDao(handle).skip(id, node, subscription.deliveredThrough(), cursor);
                    }
                    return Optional.empty();
                }
            }
        });
    }

    private boolean attempt(Subscription subscription, EventRow event) throws InterruptedException {
        String messageId = "msg_" + id + "_" + event.id();
        Instant now = clock.instant();
        String body;
        String contentType;
        if (subscription.format() == Format.SLACK) {
            body = SlackMessage.of(event, grantLabel(event.grantId()));
            contentType = "application/json";
        } else {
            body = CloudEventPayload.of(event, settings.source());
            contentType = CloudEventPayload.CONTENT_TYPE;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", messageId);
        headers.put("webhook-timestamp", String.valueOf(now.getEpochSecond()));
        List<String> secrets = secrets(subscription, now);
        if (!secrets.isEmpty()) {
            headers.put("webhook-signature", WebhookSecrets.signatureHeader(secrets, messageId, now.getEpochSecond(), body));
        }

        WebhookSender.Result result = sender.post(subscription.url(), contentType, body, headers);
        metrics.attempted(result);
        int attempt = subscription.attempts() + 1;
        WebhookDao.Attempt logged = new WebhookDao.Attempt(id, event.id(), attempt, messageId, now, result.outcome(),
                result.statusCode(), result.latency().toMillis(), result.error(), node);
        if (result.delivered()) {
            jdbi.useTransaction(handle -> {
                WebhookDao dao = new WebhookDao(handle);
                dao.log(logged);
                dao.delivered(id, node, subscription.deliveredThrough(), event.id());
            });
            return true;
        }
        boolean givingUp = attempt >= settings.maxAttempts();
        Instant failingSince = givingUp ? now : null;
        Instant nextAttemptAt = givingUp ? null : clock.instant().plus(backoff.after(attempt));
        boolean counted = jdbi.inTransaction(handle -> {
            WebhookDao dao = new WebhookDao(handle);
            dao.log(logged);
            return dao.failed(id, node, subscription.deliveredThrough(), attempt, nextAttemptAt, failingSince, result.error());
        });
        if (givingUp && counted) {
            metrics.gaveUp();
            log.warn("Webhook {} ({}) is failing: {} attempts at event {} failed, the last with: {}. Delivery stops "
                    + "until POST /v1/webhooks/{}/redeliver.", id, Urls.redacted(subscription.url()), attempt, event.id(),
                    result.error(), id);
            return false;
        }
        return true;
    }

    /** The current secret, and the previous one while its overlap lasts: receivers accept either during a rotation. */
    private List<String> secrets(Subscription subscription, Instant now) {
        List<String> secrets = new ArrayList<>();
        try {
            if (subscription.secret() != null) {
                secrets.add(cipher.decrypt(subscription.secret()));
            }
            if (subscription.previousSecret() != null && subscription.previousSecretUntil() != null
                    && subscription.previousSecretUntil().isAfter(now)) {
                secrets.add(cipher.decrypt(subscription.previousSecret()));
            }
        } catch (TokenCipherException e) {
            // Sent unsigned rather than not at all would be worse: the receiver must refuse it. Stop instead.
            throw new IllegalStateException("webhook " + id + ": " + e.getMessage());
        }
        return secrets;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private SlackMessage.GrantLabel grantLabel(long grantId) {
        return jdbi.withHandle(handle -> new GrantDao(handle).find(grantId))
                .map(grant -> new SlackMessage.GrantLabel(grant.label(), grant.externalId()))
                .orElse(null);
    }
}
