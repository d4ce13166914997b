package io.grantwatch.check;

import io.grantwatch.core.Diff;
import io.grantwatch.core.EventType;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.core.NewEvent;
import io.grantwatch.core.SiteChange;
import io.grantwatch.core.SiteEvents;
import io.grantwatch.core.Sites;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The rules of the README's "Grants and their status" as one pure function: from a grant's status and
 * last known sites and the outcome of a check, the new status, the new sites and the events that
 * describe the difference. An expired token is never a revocation, and a transient failure never
 * changes the sites. Thread-safe.
 */
public final class Judge {
    private final int degradedAfter;
    private final Duration retryBackoff;
    private final Duration interval;
    private final Duration removalConfirmDelay;

    /** @param removalConfirmDelay when a vanished site is checked again before it counts as revoked; zero: never */
    public Judge(int degradedAfter, Duration retryBackoff, Duration interval, Duration removalConfirmDelay) {
        this.degradedAfter = degradedAfter;
        this.retryBackoff = retryBackoff;
        this.interval = interval;
        this.removalConfirmDelay = removalConfirmDelay;
    }

    /**
     * @param sites the new state, or null when it does not change
     * @param retryIn when to check again, or null for the grant's regular slot
     * @param poll false when the grant should no longer be polled (revoked)
     * @param confirmingRemoval true when sites vanished and a second check must confirm it first
     */
    public record Verdict(GrantStatus status, Sites sites, List<NewEvent> events, int failures, String lastError,
            Duration retryIn, boolean poll, boolean confirmingRemoval) {
        Verdict(GrantStatus status, Sites sites, List<NewEvent> events, int failures, String lastError, Duration retryIn,
                boolean poll) {
            this(status, sites, events, failures, lastError, retryIn, poll, false);
        }
    }

    /**
     * @param removalPending the previous check already saw sites missing; this one confirms or clears it
     * @param knownSites the last known sites; only asked for when the outcome needs them
     */
    public Verdict judge(GrantStatus status, int failures, boolean removalPending, Supplier<Sites> knownSites, Outcome outcome) {
        return judge(status, failures, removalPending, null, knownSites, outcome);
    }

    /**
     * @param refusedBy the cloudId of a site whose own API has just refused the grant's token, or null. If
     *     that site is the only one missing from the answer, the refusal is the confirmation: no second check.
     */
    public Verdict judge(GrantStatus status, int failures, boolean removalPending, String refusedBy, Supplier<Sites> knownSites,
            Outcome outcome) {
        return switch (outcome) {
            case Outcome.Valid valid -> valid(status, removalPending, refusedBy, knownSites, valid.sites());
            case Outcome.Expired expired -> expired(status, expired);
            case Outcome.Revoked revoked -> revoked(status, failures, knownSites, revoked.reason());
            case Outcome.Transient failure -> transientFailure(status, failures, failure);
        };
    }

    private Verdict valid(GrantStatus status, boolean removalPending, String refusedBy, Supplier<Sites> knownSites, Sites now) {
        Sites before = knownSites.get();
        List<SiteChange> changes = Diff.between(before, now);
        List<SiteChange> removals = changes.stream().filter(change -> change instanceof SiteChange.Revoked).toList();
        boolean removes = !removals.isEmpty();
        boolean confirmedBySite = refusedBy != null && removals.stream().allMatch(change -> change.cloudId().equals(refusedBy));
        if (removes && !removalPending && !confirmedBySite && !removalConfirmDelay.isZero() && status != GrantStatus.PENDING) {
            // One answer without a site may be a gateway's hiccup: nothing changes until a second one agrees.
            return new Verdict(status, null, List.of(), 0, "sites missing from the answer; confirming", removalConfirmDelay,
                    true, true);
        }
        List<NewEvent> events = new ArrayList<>();
        switch (status) {
            case DEGRADED -> events.add(grantEvent(EventType.GRANT_RECOVERED, Map.of("reason", "valid_answer")));
            case TOKEN_EXPIRED, REVOKED -> events.add(grantEvent(EventType.GRANT_RESTORED, Map.of("previousStatus", status.name())));
            default -> {}
        }
        events.addAll(SiteEvents.of(changes, "site_removed"));
        return new Verdict(GrantStatus.HEALTHY, now, events, 0, null, null, true);
    }

    private Verdict expired(GrantStatus status, Outcome.Expired expired) {
        if (status == GrantStatus.TOKEN_EXPIRED || status == GrantStatus.REVOKED) {
            return new Verdict(status, null, List.of(), 0, expired.detail(), null, status != GrantStatus.REVOKED);
        }
        return new Verdict(GrantStatus.TOKEN_EXPIRED, null, List.of(grantEvent(EventType.GRANT_TOKEN_EXPIRED, Map.of())), 0,
                expired.detail(), null, true);
    }

    private Verdict revoked(GrantStatus status, int failures, Supplier<Sites> knownSites, String reason) {
        if (status == GrantStatus.REVOKED) {
            return new Verdict(status, null, List.of(), failures, "revoked: " + reason, null, false);
        }
        List<NewEvent> events = new ArrayList<>();
        events.add(grantEvent(EventType.GRANT_REVOKED, Map.of("reason", reason)));
        events.addAll(SiteEvents.of(Diff.between(knownSites.get(), Sites.EMPTY), "grant_revoked"));
        return new Verdict(GrantStatus.REVOKED, Sites.EMPTY, events, 0, "revoked: " + reason, null, false);
    }

    private Verdict transientFailure(GrantStatus status, int failures, Outcome.Transient failure) {
        int count = failures + 1;
        List<NewEvent> events = List.of();
        GrantStatus next = status;
        if (count >= degradedAfter && (status == GrantStatus.HEALTHY || status == GrantStatus.PENDING)) {
            next = GrantStatus.DEGRADED;
            events = List.of(grantEvent(EventType.GRANT_DEGRADED, Map.of("reason", failure.reason(), "failures", count)));
        }
        return new Verdict(next, null, events, count, failure.detail(), retryDelay(count, failure.retryAfter()),
                status != GrantStatus.REVOKED);
    }

    /** Doubles from {@code retryBackoff} with each failure, never beyond the regular interval, never before Retry-After. */
    Duration retryDelay(int failures, Duration retryAfter) {
        Duration delay = retryBackoff.multipliedBy(1L << Math.min(failures - 1, 20));
        if (delay.compareTo(interval) > 0) {
            delay = interval;
        }
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        return delay;
    }

    private static NewEvent grantEvent(EventType type, Map<String, Object> data) {
        return new NewEvent(type, null, data);
    }
}
