package io.grantwatch.delivery;

import io.grantwatch.db.DeliveryRow;
import java.time.Instant;

/**
 * One attempt to deliver one event, as {@code GET /v1/webhooks/{id}/deliveries} shows it.
 *
 * @param messageId the {@code webhook-id} header: the same on every attempt at one event
 * @param outcome {@code delivered}, {@code failed} (an answer other than 2xx, or a network error) or {@code timeout}
 * @param statusCode the receiver's HTTP status; null when it gave none
 */
public record DeliveryView(long id, long eventId, int attempt, String messageId, Instant attemptedAt, String outcome,
        Integer statusCode, long latencyMs, String error, String node) {
    static DeliveryView of(DeliveryRow row) {
        return new DeliveryView(row.id(), row.eventId(), row.attempt(), row.messageId(), row.attemptedAt(), row.outcome(),
                row.statusCode(), row.latencyMs(), row.error(), row.node());
    }
}
