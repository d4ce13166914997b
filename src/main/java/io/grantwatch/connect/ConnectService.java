package io.grantwatch.connect;

import io.grantwatch.Json;
import io.grantwatch.atlassian.AccountResult;
import io.grantwatch.atlassian.AtlassianClient;
import io.grantwatch.atlassian.RefreshResult;
import io.grantwatch.check.CheckService;
import io.grantwatch.config.Config;
import io.grantwatch.core.EventType;
import io.grantwatch.core.NewEvent;
import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.ConnectDao;
import io.grantwatch.db.EventDao;
import io.grantwatch.db.GrantDao;
import io.grantwatch.db.GrantRow;
import io.grantwatch.db.SnapshotDao;
import io.grantwatch.core.UnknownGrantException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth 2.0 (3LO) consent flow run by grantwatch: {@link #start} makes the authorization URL
 * and a single-use state stored (hashed) in the database, so any node can finish the flow;
 * {@link #finish} consumes the state, exchanges the code, reads the account, stores the tokens in
 * the account's one grant (reconnect in place), checks it, and tells which sites this consent
 * added. A failure stores nothing. No token, code, state or secret reaches a log line or an answer.
 * Thread-safe.
 */
public final class ConnectService {
    private static final Logger log = LoggerFactory.getLogger(ConnectService.class);
    /** Expired attempts are kept this long after their expiry, then deleted by a later start. */
    private static final Duration KEEP_EXPIRED = Duration.ofDays(1);
    /** When the dispatchers check a new grant if the check before the redirect did not happen. */
    private static final Duration FIRST_CHECK_FALLBACK = Duration.ofSeconds(30);
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,16384}");
    private static final int MAX_STATE = 200;

    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final AtlassianClient atlassian;
    private final CheckService checks;
    private final Config.Atlassian config;
    private final Clock clock;
    private final Runnable afterEvents;
    private final Consumer<NewEvent> emitted;

    /**
     * @param afterEvents called once the {@code grant.connected} event has committed (wakes the feed)
     * @param emitted counts each event written
     */
    public ConnectService(Jdbi jdbi, TokenCipher cipher, AtlassianClient atlassian, CheckService checks, Config.Atlassian config,
            Clock clock, Runnable afterEvents, Consumer<NewEvent> emitted) {
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.atlassian = atlassian;
        this.checks = checks;
        this.config = config;
        this.clock = clock;
        this.afterEvents = afterEvents;
        this.emitted = emitted;
    }

    public boolean configured() {
        return config.canConnect();
    }

    /** Begins a consent: the attempt is stored, and the answer says where to send the user. */
    public ConnectStarted start(ConnectRequest request) {
        if (!configured()) {
            throw new ConnectException(409, "not_configured", "connecting users needs atlassian.clientId, "
                    + "atlassian.clientSecret and atlassian.redirectUri to be configured");
        }
        URI returnUrl = ConsentUrls.returnUrl(request.returnUrl()).orElseThrow(() -> new ConnectException(400,
                "invalid_field", "'returnUrl' must be an absolute http or https URL without a fragment, at most "
                + ConsentUrls.MAX_RETURN_URL + " characters"));
        List<String> scopes;
        try {
            scopes = ConsentUrls.scopes(request.scopes() != null ? request.scopes() : config.scopes()).orElseThrow(() ->
                    new ConnectException(400, request.scopes() != null ? "invalid_field" : "missing_field",
                            request.scopes() != null ? "'scopes' must name at least one scope besides offline_access"
                                    : "'scopes' is required, since atlassian.scopes is not configured"));
        } catch (IllegalArgumentException e) {
            throw new ConnectException(400, "invalid_field", "'scopes': " + e.getMessage());
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(config.connectStateTtl());
        String state = ConsentUrls.newState();
        jdbi.useTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            GrantRow named = null;
            if (request.grantId() != null) {
                named = grants.find(request.grantId()).filter(grant -> !grant.deleted())
                        .orElseThrow(() -> new UnknownGrantException(request.grantId()));
            } else if (request.externalId() != null) {
                named = grants.findByExternalId(request.externalId()).orElse(null);
            }
            ConnectDao attempts = new ConnectDao(handle);
            attempts.deleteExpired(now.minus(KEEP_EXPIRED));
            attempts.insert(new ConnectDao.NewAttempt(ConsentUrls.hash(state), returnUrl.toString(), request.externalId(),
                    request.label(), String.join(" ", scopes), request.grantId(), named == null ? null : named.id(),
                    named == null ? null : named.snapshotId(), new SnapshotDao(handle).newestId().orElse(null), now, expiresAt));
        });
        String authorizeUrl = ConsentUrls.authorizeUrl(config.authBaseUrl(), config.clientId(), scopes, config.redirectUri(), state);
        return new ConnectStarted(authorizeUrl, state, expiresAt);
    }

    /** The browser came back from Atlassian with {@code code} and {@code state}, or with {@code error}. */
    public CallbackOutcome finish(String state, String code, String error) {
        if (!configured()) {
            return new CallbackOutcome.Page(404, "Connecting users is not configured on this grantwatch.");
        }
        if (state == null || state.isEmpty() || state.length() > MAX_STATE) {
            return unknownState();
        }
        Optional<ConnectDao.AttemptRow> consumed =
                jdbi.inTransaction(handle -> new ConnectDao(handle).consume(ConsentUrls.hash(state), clock.instant()));
        if (consumed.isEmpty()) {
            return unknownState();
        }
        ConnectDao.AttemptRow attempt = consumed.get();
        if (error != null) {
            String reason = ERROR_CODE.matcher(error).matches() ? error : "authorization_failed";
            log.info("Connect attempt {}: Atlassian answered {}", attempt.id(), reason);
            return failed(attempt, reason);
        }
        if (code == null || code.isBlank() || !TOKEN.matcher(code).matches()) {
            log.warn("Connect attempt {}: the callback came without a usable code", attempt.id());
            return failed(attempt, "exchange_failed");
        }
        RefreshResult exchanged = atlassian.exchangeCode(config.clientId(), config.clientSecret(), code, config.redirectUri());
        if (!(exchanged instanceof RefreshResult.Refreshed tokens)) {
            log.warn("Connect attempt {}: the code exchange failed: {}", attempt.id(), describe(exchanged));
            return failed(attempt, "exchange_failed");
        }
        if (!TOKEN.matcher(tokens.accessToken()).matches()
                || (tokens.refreshToken() != null && !TOKEN.matcher(tokens.refreshToken()).matches())) {
            log.warn("Connect attempt {}: the token endpoint answered tokens an HTTP header cannot carry", attempt.id());
            return failed(attempt, "exchange_failed");
        }
        String accountId = null;
        if (granted(tokens.scope(), attempt.scopes()).contains("read:me")) {
            AccountResult account = atlassian.account(tokens.accessToken());
            if (!(account instanceof AccountResult.Known known)) {
                // Without the account, the consent could land in a second grant of it: better to refuse.
                log.warn("Connect attempt {}: the account cannot be read: {}", attempt.id(),
                        ((AccountResult.Failed) account).detail());
                return failed(attempt, "exchange_failed");
            }
            accountId = known.accountId();
        }
        Stored stored;
        try {
            stored = store(attempt, tokens, accountId);
        } catch (AccountMismatch mismatch) {
            log.warn("Connect attempt {}: {}", attempt.id(), mismatch.getMessage());
            return failed(attempt, "account_mismatch");
        }
        checks.checkNow(stored.grantId());
        List<String> newSites = announce(stored, accountId);
        log.info("Grant {} {} through the consent flow; new sites: {}", stored.grantId(),
                stored.reconnected() ? "connected again" : "connected", newSites.size());
        return new CallbackOutcome.Redirect(ConsentUrls.connected(attempt.returnUrl(), stored.grantId(), newSites));
    }

    /** The grant the tokens went to, whether it existed, and the cloudIds it held when the connect began. */
    private record Stored(long grantId, boolean reconnected, Set<String> sitesBefore) {}

    private static final class AccountMismatch extends Exception {
        AccountMismatch(String message) {
            super(message, null, false, false);
        }
    }

    private Stored store(ConnectDao.AttemptRow attempt, RefreshResult.Refreshed tokens, String accountId) throws AccountMismatch {
        try {
            return storeOnce(attempt, tokens, accountId);
        } catch (UnableToExecuteStatementException e) {
            // Two first consents of one account (or one externalId) at once: a unique constraint let one
            // grant through. Once more, the consent joins that grant.
            return storeOnce(attempt, tokens, accountId);
        }
    }

    private Stored storeOnce(ConnectDao.AttemptRow attempt, RefreshResult.Refreshed tokens, String accountId)
            throws AccountMismatch {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(tokens.expiresIn());
        return jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            GrantRow target = attempt.grantId() == null ? null
                    : grants.lockOne(attempt.grantId()).filter(grant -> !grant.deleted()).orElse(null);
            GrantRow ofAccount = accountId == null ? null : grants.findByAccountId(accountId).orElse(null);
            if (target == null) {
                target = ofAccount;
            }
            if (target == null && attempt.externalId() != null) {
                target = grants.findByExternalId(attempt.externalId()).orElse(null);
            }
            if (target != null && accountId != null) {
                if (target.accountId() != null && !target.accountId().equals(accountId)) {
                    throw new AccountMismatch("grant " + target.id() + " belongs to another Atlassian account");
                }
                if (ofAccount != null && ofAccount.id() != target.id()) {
                    throw new AccountMismatch("this Atlassian account is connected to grant " + ofAccount.id() + " already");
                }
            }
            String accessToken = cipher.encrypt(tokens.accessToken());
            long id;
            if (target == null) {
                String externalId = attempt.externalId();
                id = grants.insert(new GrantDao.NewGrant(externalId, attempt.label(), accessToken,
                        cipher.encrypt(tokens.refreshToken()), cipher.currentKeyId(), expiresAt, now, now, null));
                grants.placeNew();
                grants.setNextChecks(Map.of(id, now.plus(FIRST_CHECK_FALLBACK)));
            } else {
                id = target.id();
                // Atlassian sent no refresh token (no offline_access): the old one, if any, still belongs to the grant.
                String refreshToken = tokens.refreshToken() != null ? cipher.encrypt(tokens.refreshToken())
                        : target.refreshToken() == null ? null : cipher.encrypt(cipher.decrypt(target.refreshToken()));
                grants.replaceTokens(id, accessToken, refreshToken, cipher.currentKeyId(), expiresAt);
            }
            String externalId = attempt.externalId() != null && grants.findByExternalId(attempt.externalId()).isEmpty()
                    ? attempt.externalId() : null;
            grants.markConnected(id, accountId, attempt.label(), externalId, now);
            return new Stored(id, target != null, target == null ? Set.of() : sitesAtStart(handle, attempt, id));
        });
    }

    /** The cloudIds the grant held when the connect began: recorded then, or else read from its history. */
    private static Set<String> sitesAtStart(Handle handle, ConnectDao.AttemptRow attempt, long grantId) {
        SnapshotDao snapshots = new SnapshotDao(handle);
        Long snapshotId;
        if (attempt.startGrantId() != null && attempt.startGrantId() == grantId) {
            snapshotId = attempt.startSnapshotId();
        } else {
            snapshotId = attempt.historyMark() == null ? null : snapshots.idAtMark(grantId, attempt.historyMark()).orElse(null);
        }
        return snapshotId == null ? Set.of() : cloudIds(snapshots.sites(snapshotId));
    }

    /** Writes {@code grant.connected} with the sites this consent added; answers them. */
    private List<String> announce(Stored stored, String accountId) {
        List<NewEvent> written = new ArrayList<>(1);
        List<String> newSites = jdbi.inTransaction(handle -> {
            written.clear();
            GrantRow grant = new GrantDao(handle).lockOne(stored.grantId()).orElseThrow();
            Set<String> now = grant.snapshotId() == null ? Set.of() : cloudIds(new SnapshotDao(handle).sites(grant.snapshotId()));
            List<String> added = now.stream().filter(cloudId -> !stored.sitesBefore().contains(cloudId)).toList();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("newSites", added);
            data.put("reconnected", stored.reconnected());
            data.put("accountId", accountId != null ? accountId : grant.accountId());
            NewEvent event = new NewEvent(EventType.GRANT_CONNECTED, null, data);
            new EventDao(handle).append(List.of(new EventDao.NewEventRow(stored.grantId(), event.type().wireName(), null,
                    clock.instant(), Json.write(event.data()))));
            written.add(event);
            return added;
        });
        written.forEach(emitted);
        afterEvents.run();
        return newSites;
    }

    private static Set<String> cloudIds(Sites sites) {
        Set<String> ids = new LinkedHashSet<>();
        for (Site site : sites.list()) {
            ids.add(site.cloudId());
        }
        return ids;
    }

    /** The scopes the token endpoint says were granted; when it does not say, those asked for. */
    private static Set<String> granted(String answered, String asked) {
        String scopes = answered != null && !answered.isBlank() ? answered : asked;
        return new LinkedHashSet<>(Arrays.asList(scopes.trim().split("\\s+")));
    }

    private static String describe(RefreshResult result) {
        return switch (result) {
            case RefreshResult.InvalidGrant invalid -> invalid.description();
            case RefreshResult.Transient failure -> failure.reason() + " (" + failure.detail() + ")";
            case RefreshResult.Refreshed ignored -> "refreshed";
        };
    }

    private static CallbackOutcome failed(ConnectDao.AttemptRow attempt, String error) {
        return new CallbackOutcome.Redirect(ConsentUrls.failed(attempt.returnUrl(), error));
    }

    private static CallbackOutcome unknownState() {
        return new CallbackOutcome.Page(400, "This sign-in link is unknown, was used already, or expired. "
                + "Go back to the application and connect again.");
    }
}
