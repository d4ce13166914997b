package io.grantwatch.db;

import java.time.Instant;

/** One row of {@code webhook_deliveries}: one attempt to deliver one event. */
public record DeliveryRow(long id, long eventId, int attempt, String messageId, Instant attemptedAt, String outcome,
        Integer statusCode, long latencyMs, String error, String node) {}
