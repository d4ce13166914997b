package io.grantwatch.check;

import io.grantwatch.Json;
import io.grantwatch.core.ApiUrls;
import io.grantwatch.core.EventType;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.core.NewEvent;
import io.grantwatch.core.Sites;
import io.grantwatch.db.EventDao;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import io.grantwatch.db.SiteChangeDao;
import io.grantwatch.db.SnapshotDao;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes what checks found, a batch at a time, in one transaction: the grants' new status, a new
 * snapshot where the state changed, and the events that describe it. Either all of it commits or
 * none does, so a crash can neither lose an event nor let it be written twice. Thread-safe.
 */
public final class CheckRecorder {
    private final Jdbi jdbi;
    private final Judge judge;
    private final CheckMetrics metrics;
    private final Runnable afterEvents;
    private final Duration expiryWarning;
    private final URI apiBaseUrl;

    /**
     * @param expiryWarning how long before the refresh token's 365-day limit {@code grant.expiring} is sent
     * @param afterEvents called once a transaction that wrote events has committed
     * @param apiBaseUrl the base of the {@code apiUrls} that site events carry
     */
    public CheckRecorder(Jdbi jdbi, Judge judge, CheckMetrics metrics, Duration expiryWarning, Runnable afterEvents,
            URI apiBaseUrl) {
        this.apiBaseUrl = apiBaseUrl;
        this.jdbi = jdbi;
        this.judge = judge;
        this.metrics = metrics;
        this.expiryWarning = expiryWarning;
        this.afterEvents = afterEvents;
    }

    /** Atlassian refresh tokens die 365 days after the first consent, whatever happens. */
    public static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(365);

    public void record(List<Checked> results) {
        if (results.isEmpty()) {
            return;
        }
        List<NewEvent> written = new ArrayList<>();
        jdbi.useTransaction(handle -> {
            written.clear();
            GrantDao grants = new GrantDao(handle);
            SnapshotDao snapshots = new SnapshotDao(handle);
            SiteChangeDao siteChanges = new SiteChangeDao(handle);
            // The rows are locked and read again: another check of the same grant (an API call, another
            // node) may have been recorded since this one started, and its state is the one to diff against.
            Map<Long, GrantRow> rows = grants.lock(results.stream().map(Checked::grantId).toList());
            Map<Long, Instant> unchanged = new LinkedHashMap<>();
            List<EventDao.NewEventRow> events = new ArrayList<>();
            for (Checked checked : results) {
                GrantRow row = rows.get(checked.grantId());
                if (row == null || isStale(row, checked)) {
                    continue;
                }
                List<NewEvent> emitted = new ArrayList<>();
                if (expiresSoon(row, checked.startedAt())) {
                    Instant expiresAt = row.consentedAt().plus(REFRESH_TOKEN_LIFETIME);
                    emitted.add(new NewEvent(EventType.GRANT_EXPIRING, null, Map.of("expiresAt", expiresAt.toString())));
                    grants.markExpiringNotified(row.id(), checked.startedAt());
                }
                if (confirmsHealthyState(row, checked.outcome())) {
                    unchanged.put(row.id(), checked.startedAt());
                } else {
                    emitted.addAll(apply(grants, snapshots, siteChanges, row, checked));
                }
                written.addAll(emitted);
                for (NewEvent event : emitted) {
                    events.add(new EventDao.NewEventRow(row.id(), event.type().wireName(), event.cloudId(),
                            checked.startedAt(), Json.write(ApiUrls.addTo(event, apiBaseUrl.toString()).data())));
                }
            }
            grants.confirm(unchanged);
            new EventDao(handle).append(events);
        });
        results.forEach(checked -> metrics.checked(checked.outcome()));
        written.forEach(metrics::emitted);
        if (!written.isEmpty()) {
            afterEvents.run();
        }
    }

    /** A check that used tokens since replaced, or that a newer check has already overtaken, says nothing. */
    private static boolean isStale(GrantRow row, Checked checked) {
        return row.deleted()
                || row.tokenVersion() != checked.tokenVersion()
                || (row.lastCheckedAt() != null && checked.startedAt().isBefore(row.lastCheckedAt()));
    }

    private boolean expiresSoon(GrantRow row, Instant now) {
        return row.refreshToken() != null
                && row.expiringNotifiedAt() == null
                && row.status() != GrantStatus.REVOKED
                && !now.isBefore(row.consentedAt().plus(REFRESH_TOKEN_LIFETIME).minus(expiryWarning));
    }

    private static boolean confirmsHealthyState(GrantRow row, Outcome outcome) {
        return outcome instanceof Outcome.Valid valid
                && row.status() == GrantStatus.HEALTHY
                && valid.sites().hash().equals(row.sitesHash());
    }

    private List<NewEvent> apply(GrantDao grants, SnapshotDao snapshots, SiteChangeDao siteChanges, GrantRow row,
            Checked checked) {
        Instant at = checked.startedAt();
        Supplier<Sites> known = () -> row.snapshotId() == null ? Sites.EMPTY : snapshots.sites(row.snapshotId());
        Judge.Verdict verdict = judge.judge(row.status(), row.failures(), row.removalPendingAt() != null, checked.refusedBy(), known,
                checked.outcome());

        Long snapshotId = row.snapshotId();
        String sitesHash = row.sitesHash();
        Instant seenAt = row.snapshotSeenAt();
        if (verdict.sites() != null) {
            if (!verdict.sites().hash().equals(row.sitesHash())) {
                if (row.snapshotId() != null) {
                    snapshots.close(row.snapshotId(), row.snapshotSeenAt() != null ? row.snapshotSeenAt() : at);
                }
                snapshotId = snapshots.insert(row.id(), verdict.sites(), at);
                sitesHash = verdict.sites().hash();
            }
            seenAt = at;
        }
        boolean changed = !verdict.events().isEmpty();
        grants.record(row.id(), new GrantDao.CheckState(verdict.status(), verdict.failures(), verdict.lastError(), at,
                        changed ? at : row.lastChangedAt(), snapshotId, sitesHash, seenAt,
                        verdict.confirmingRemoval() ? at : null),
                verdict.poll() && verdict.retryIn() != null ? at.plus(verdict.retryIn()) : null);
        siteChanges.append(row.id(), at, verdict.events(), verdict.sites());
        return verdict.events();
    }
}
