package io.grantwatch.db;

import java.util.Locale;
import java.util.Optional;

/** What a subscription's requests look like. */
public enum Format {
    /** A CloudEvent 1.0 in structured JSON mode, signed by the Standard Webhooks scheme. */
    CLOUDEVENTS,
    /** A Slack incoming-webhook message, {@code {"text": ...}}, for people. */
    SLACK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Format> fromWireName(String name) {
        for (Format format : values()) {
            if (format.wireName().equals(name)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
