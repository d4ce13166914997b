package io.grantwatch.events;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.grantwatch.db.EventRow;
import java.time.Instant;

/** An event as the feed shows it; {@code data} is the stored JSON object, written as is. */
public record EventView(long id, String type, Instant time, long grantId, String cloudId, @JsonRawValue String data) {
    static EventView of(EventRow row) {
        return new EventView(row.id(), row.type(), row.time(), row.grantId(), row.cloudId(), row.data());
    }
}
