package io.grantwatch.delivery;

import io.grantwatch.db.Format;
import io.grantwatch.db.Subscription;
import java.time.Instant;
import java.util.List;

/**
 * A subscription as the API shows it: never its secret. A Slack url is a credential, so only its
 * scheme and host are shown.
 *
 * @param origin {@code api} or {@code config} (from the YAML file: change it there)
 * @param deliveredThrough the cursor: the id of the last event delivered (or skipped as not wanted)
 * @param failing true once delivery gave up after {@code delivery.maxAttempts}; redeliver resumes it
 */
public record WebhookView(long id, String url, String format, List<String> types, List<Long> grantIds, String origin,
        Instant createdAt, long deliveredThrough, int attempts, Instant nextAttemptAt, boolean failing,
        Instant failingSince, String lastError) {

    static WebhookView of(Subscription subscription) {
        return new WebhookView(subscription.id(),
                subscription.format() == Format.SLACK ? Urls.redacted(subscription.url()) : subscription.url(),
                subscription.format().wireName(), subscription.types(), subscription.grantIds(),
                subscription.origin().name().toLowerCase(java.util.Locale.ROOT), subscription.createdAt(),
                subscription.deliveredThrough(), subscription.attempts(), subscription.nextAttemptAt(),
                subscription.failing(), subscription.failingSince(), subscription.lastError());
    }
}
