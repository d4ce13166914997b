package io.grantwatch.grants;

import io.grantwatch.core.UnknownGrantException;
import io.grantwatch.check.CheckService;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.core.Sites;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import io.grantwatch.db.SnapshotDao;
import io.grantwatch.db.SnapshotRow;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** What the API does with grants: register, read, replace tokens, delete, check, preflight. Thread-safe. */
public final class GrantService {
    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final CheckService checks;
    /** When the dispatchers check a new grant if the immediate first check did not happen. */
    private static final java.time.Duration FIRST_CHECK_FALLBACK = java.time.Duration.ofSeconds(30);
    private final Clock clock;
    private final AccessStates states;
    private final URI apiBaseUrl;

    /**
     * @param states the grants' latest states in memory, for the preflight
     * @param apiBaseUrl the base of the sites' API URLs ({@code apiUrls})
     */
    public GrantService(Jdbi jdbi, TokenCipher cipher, CheckService checks, Clock clock, AccessStates states, URI apiBaseUrl) {
        this.apiBaseUrl = apiBaseUrl;
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.checks = checks;
        this.clock = clock;
        this.states = states;
    }

    public record Registration(String externalId, String label, Tokens tokens, Instant consentedAt) {}

    /** Stores the grant (tokens encrypted) and starts its first check at once. */
    public GrantView register(Registration registration) {
        Instant now = clock.instant();
        long id;
        try {
            id = jdbi.inTransaction(handle -> {
                GrantDao grants = new GrantDao(handle);
                if (registration.externalId() != null) {
                    grants.findByExternalId(registration.externalId()).ifPresent(existing -> {
                        throw new ExternalIdTakenException(registration.externalId(), existing.id());
                    });
                }
                Tokens tokens = registration.tokens();
                long newId = grants.insert(new GrantDao.NewGrant(registration.externalId(), registration.label(),
                        cipher.encrypt(tokens.accessToken()), cipher.encrypt(tokens.refreshToken()), cipher.currentKeyId(),
                        tokens.expiresAt(), Objects.requireNonNullElse(registration.consentedAt(), now), now, null));
                // The first check runs right away on this node. Should this node die first, the dispatchers
                // take it a little later; from then on the grant is checked at its regular slots.
                grants.placeNew();
                grants.setNextChecks(Map.of(newId, now.plus(FIRST_CHECK_FALLBACK)));
                return newId;
            });
        } catch (UnableToExecuteStatementException e) {
            // Two registrations with the same externalId at once: the unique constraint lets one through.
            if (registration.externalId() != null) {
                GrantRow existing = jdbi.withHandle(handle -> new GrantDao(handle).findByExternalId(registration.externalId()))
                        .orElseThrow(() -> e);
                throw new ExternalIdTakenException(registration.externalId(), existing.id());
            }
            throw e;
        }
        checks.checkSoon(id);
        return get(id);
    }

    /** Grants not checked successfully yet. */
    public long countPending() {
        return jdbi.withHandle(handle -> new GrantDao(handle).countByStatus().get(GrantStatus.PENDING));
    }

    public GrantView get(long id) {
        return jdbi.withHandle(handle -> {
            GrantRow row = new GrantDao(handle).find(id).filter(grant -> !grant.deleted())
                    .orElseThrow(() -> new UnknownGrantException(id));
            return view(row, row.snapshotId() == null ? Sites.EMPTY : new SnapshotDao(handle).sites(row.snapshotId()));
        });
    }

    public List<GrantView> list(long afterId, int limit) {
        return jdbi.withHandle(handle -> {
            List<GrantRow> rows = new GrantDao(handle).list(afterId, limit);
            Map<Long, Sites> sites = new SnapshotDao(handle).sites(
                    rows.stream().map(GrantRow::snapshotId).filter(Objects::nonNull).toList());
            List<GrantView> views = new ArrayList<>(rows.size());
            for (GrantRow row : rows) {
                views.add(view(row, row.snapshotId() == null ? Sites.EMPTY : sites.get(row.snapshotId())));
            }
            return views;
        });
    }

    /** New tokens (the integration refreshed them, or the user consented again); a check follows at once. */
    public GrantView replaceTokens(long id, Tokens tokens) {
        boolean replaced = jdbi.inTransaction(handle -> new GrantDao(handle).replaceTokens(id,
                cipher.encrypt(tokens.accessToken()), cipher.encrypt(tokens.refreshToken()), cipher.currentKeyId(),
                tokens.expiresAt()));
        if (!replaced) {
            throw new UnknownGrantException(id);
        }
        states.drop(id);
        return checks.checkNow(id).map(row -> get(id)).orElseThrow(() -> new UnknownGrantException(id));
    }

    public void delete(long id) {
        boolean deleted = jdbi.inTransaction(handle -> new GrantDao(handle).delete(id, clock.instant()));
        states.drop(id);
        if (!deleted) {
            throw new UnknownGrantException(id);
        }
    }

    /** Checks now and answers with the grant as it is after that check. */
    public GrantView check(long id) {
        checks.checkNow(id).orElseThrow(() -> new UnknownGrantException(id));
        states.drop(id);
        return get(id);
    }

    /**
     * Checks now because a site's own API refused the grant's token ({@code refusedBy}, a cloudId), or
     * null for a first check of a pending grant. Its events are committed when this returns.
     */
    public void checkAfterRefusal(long id, String refusedBy) {
        checks.checkNow(id, refusedBy).orElseThrow(() -> new UnknownGrantException(id));
        // Its events reach the tail of the feed a moment later; the caller asks for the fresh state now.
        states.drop(id);
    }

    /** The states the grant went through, newest first; a deleted grant keeps its history. */
    public List<SnapshotView> history(long id, long beforeId, int limit) {
        return jdbi.withHandle(handle -> {
            GrantRow grant = new GrantDao(handle).find(id).orElseThrow(() -> new UnknownGrantException(id));
            List<SnapshotRow> rows = new SnapshotDao(handle).history(id, beforeId, limit);
            // The current state is still being seen: its last sighting is on the grant.
            return rows.stream()
                    .map(row -> row.id() == Objects.requireNonNullElse(grant.snapshotId(), -1L) && grant.snapshotSeenAt() != null
                            ? SnapshotView.of(row, grant.snapshotSeenAt(), apiBaseUrl)
                            : SnapshotView.of(row, row.lastSeenAt(), apiBaseUrl))
                    .toList();
        });
    }

    /** The preflight: answered from the latest state (in memory, see {@link AccessStates}), without calling Atlassian. */
    public Access access(long id, String cloudId, List<String> scopes) {
        GrantView grant = states.get(id, this::get);
        Instant checkedAt = grant.sitesConfirmedAt();
        if (grant.status() == GrantStatus.REVOKED) {
            return new Access(false, "grant_revoked", List.of(), grant.status(), checkedAt, false);
        }
        if (grant.status() == GrantStatus.PENDING || checkedAt == null) {
            return new Access(false, "unknown", List.of(), grant.status(), checkedAt, grant.status() != GrantStatus.PENDING);
        }
        SiteView site = grant.sites().stream().filter(s -> s.cloudId().equals(cloudId)).findFirst().orElse(null);
        if (site == null) {
            return new Access(false, "site_not_granted", List.copyOf(new TreeSet<>(scopes)), grant.status(), checkedAt, grant.stale());
        }
        Set<String> missing = new TreeSet<>(scopes);
        missing.removeAll(site.scopes());
        if (!missing.isEmpty()) {
            return new Access(false, "scope_missing", List.copyOf(missing), grant.status(), checkedAt, grant.stale());
        }
        return new Access(true, "ok", List.of(), grant.status(), checkedAt, grant.stale());
    }

    private GrantView view(GrantRow row, Sites sites) {
        boolean stale = row.status() == GrantStatus.DEGRADED || row.status() == GrantStatus.TOKEN_EXPIRED;
        return new GrantView(row.id(), row.externalId(), row.label(), row.accountId(), row.status(), row.createdAt(),
                row.consentedAt(), row.connectedAt(),
                row.lastCheckedAt(), row.lastChangedAt(), row.snapshotSeenAt(), row.accessExpiresAt(),
                row.refreshToken() != null, row.failures(), row.lastError(), stale,
                SiteView.of(sites.list(), apiBaseUrl));
    }
}
