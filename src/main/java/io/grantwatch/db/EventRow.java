package io.grantwatch.db;

import java.time.Instant;

/** One event of the feed. {@code data} is the JSON object of the event's details. */
public record EventRow(long id, long grantId, String type, String cloudId, Instant time, String data) {}
