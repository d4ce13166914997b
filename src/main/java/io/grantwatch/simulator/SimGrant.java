package io.grantwatch.simulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One user's consent as the simulated Atlassian keeps it: the sites it reaches and its tokens, which
 * rotate as Atlassian's do. Thread-safe: token state changes under this grant's own lock, which is
 * never held while an answer is written or delayed.
 */
public final class SimGrant {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final AtlassianSimulator simulator;
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();
    private volatile List<SimSite> sites = List.of();
    /** Set by the consent flow: the account whose grant this is, and the scopes it consented to. */
    private volatile String accountId;
    private volatile List<String> grantedScopes = List.of();
    private volatile Answer unshuffledAnswer;
    private volatile CountDownLatch hold;

    // Guarded by this.
    private String accessToken;
    private Instant accessTokenExpiresAt;
    private String refreshToken;
    private final Map<String, Instant> retiredRefreshTokens = new HashMap<>();
    private boolean live;
    private boolean omitNextRefreshToken;

    /** What a successful refresh hands out; {@code refreshToken} is null when none is sent back. */
    record Issued(String accessToken, String refreshToken, Duration expiresIn, String scope) {}

    /** The unshuffled accessible-resources JSON for {@code sites}, the very list instance it was made from. */
    record Answer(List<SimSite> sites, byte[] json) {}

    SimGrant(String id, AtlassianSimulator simulator) {
        this.id = id;
        this.simulator = simulator;
    }

    public String id() {
        return id;
    }

    /** The Atlassian account that consented through {@code /authorize}; null for a grant made by {@code newGrant()}. */
    public String accountId() {
        return accountId;
    }

    /** The scopes of the last consent through {@code /authorize}; empty for a grant made by {@code newGrant()}. */
    public List<String> grantedScopes() {
        return grantedScopes;
    }

    public synchronized String accessToken() {
        return accessToken;
    }

    public synchronized String refreshToken() {
        return refreshToken;
    }

    public synchronized Instant accessTokenExpiresAt() {
        return accessTokenExpiresAt;
    }

    public List<SimSite> sites() {
        return sites;
    }

    public synchronized void setSites(List<SimSite> newSites) {
        sites = List.copyOf(newSites);
    }

    /** Adds the site, or replaces the one with the same cloudId. */
    public synchronized void addSite(SimSite site) {
        List<SimSite> next = new ArrayList<>(sites);
        next.removeIf(existing -> existing.cloudId().equals(site.cloudId()));
        next.add(site);
        sites = List.copyOf(next);
    }

    public synchronized void removeSite(String cloudId) {
        List<SimSite> next = new ArrayList<>(sites);
        next.removeIf(site -> site.cloudId().equals(cloudId));
        sites = List.copyOf(next);
    }

    public synchronized void setScopes(String cloudId, String... scopes) {
        addSite(site(cloudId).withScopes(List.of(scopes)));
    }

    public synchronized void rename(String cloudId, String newName) {
        addSite(site(cloudId).withName(newName));
    }

    private SimSite site(String cloudId) {
        return sites.stream()
                .filter(site -> site.cloudId().equals(cloudId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no site " + cloudId + " in grant " + id));
    }

    /** The user or an admin revoked the app: every token is refused from now on. */
    public synchronized void revoke() {
        live = false;
    }

    /** The current access token is refused from now on, as if its hour were up. */
    public synchronized void expireAccessToken() {
        accessTokenExpiresAt = simulator.now();
    }

    /** The user consented again: new tokens, the old ones dead. A revoked grant lives again. */
    public synchronized void consentAgain() {
        simulator.forget(accessToken);
        simulator.forget(refreshToken);
        retiredRefreshTokens.keySet().forEach(simulator::forget);
        retiredRefreshTokens.clear();
        accessToken = issueAccessToken();
        refreshToken = newToken("sim-rt-");
        simulator.remember(refreshToken, this);
        live = true;
        omitNextRefreshToken = false;
    }

    /** A consent on the consent screen: the picked sites join the grant, whose scopes become {@code scopes}. */
    synchronized void consented(String account, List<String> scopes, List<SimSite> picked) {
        accountId = account;
        grantedScopes = List.copyOf(scopes);
        picked.forEach(this::addSite);
    }

    /** The exchange of a consent's code: new tokens, the old ones dead, a revoked grant alive again. */
    synchronized Issued consentAgainWithScopes(List<String> scopes) {
        grantedScopes = List.copyOf(scopes);
        consentAgain();
        return new Issued(accessToken, refreshToken, simulator.accessTokenLifetime(), scope());
    }

    /** The next successful refresh answers without a {@code refresh_token}; the old one stays valid. */
    public synchronized void omitRefreshTokenInNextAnswer() {
        omitNextRefreshToken = true;
    }

    /** The next {@code times} accessible-resources calls with this grant's tokens fail with {@code fault}. */
    public void failNext(int times, Fault fault) {
        faults.addAll(Collections.nCopies(times, fault));
    }

    /**
     * Accessible-resources answers to this grant's tokens wait until {@code latch} opens (or the
     * simulator closes): a slow answer that a test lets go when it chooses. Null lets them go at once.
     */
    public void holdAnswersUntil(CountDownLatch latch) {
        hold = latch;
    }

    /** Accessible-resources calls that came with a token of this grant, refused and failed ones included. */
    public long requestCount() {
        return requests.get();
    }

    /** Successful refreshes. */
    public long refreshCount() {
        return refreshes.get();
    }

    public synchronized boolean isRevoked() {
        return !live;
    }

    @Override
    public String toString() {
        return "SimGrant[id=" + id + ", sites=" + sites.size() + ", revoked=" + isRevoked() + "]";
    }

    void awaitHold() throws InterruptedException {
        CountDownLatch latch = hold;
        if (latch != null) {
            latch.await();
        }
    }

    Fault nextFault() {
        return faults.poll();
    }

    void clearFaults() {
        faults.clear();
    }

    Answer unshuffledAnswer() {
        return unshuffledAnswer;
    }

    void keepUnshuffledAnswer(Answer answer) {
        unshuffledAnswer = answer;
    }

    void countRequest() {
        requests.incrementAndGet();
    }

    synchronized boolean accepts(String presentedAccessToken, Instant now) {
        return live && presentedAccessToken.equals(accessToken) && now.isBefore(accessTokenExpiresAt);
    }

    /**
     * A refresh with {@code presented}. A retired refresh token still works within the reuse leeway
     * and kills the grant after it, as Atlassian's rotation does; either way the presentation counts.
     */
    synchronized Optional<Issued> refresh(String presented, Instant now) {
        Instant retiredAt = retiredRefreshTokens.get(presented);
        if (retiredAt != null) {
            simulator.countRetiredRefreshTokenPresentation();
            if (!now.isBefore(retiredAt.plus(simulator.reuseLeeway()))) {
                live = false;
                return Optional.empty();
            }
        } else if (!presented.equals(refreshToken)) {
            return Optional.empty();
        }
        if (!live) {
            return Optional.empty();
        }
        boolean rotate = simulator.rotatesRefreshTokens() && !omitNextRefreshToken;
        omitNextRefreshToken = false;
        simulator.forget(accessToken);
        accessToken = issueAccessToken();
        if (rotate) {
            retiredRefreshTokens.put(refreshToken, now);
            refreshToken = newToken("sim-rt-");
            simulator.remember(refreshToken, this);
        }
        refreshes.incrementAndGet();
        return Optional.of(new Issued(accessToken, rotate ? refreshToken : null, simulator.accessTokenLifetime(), scope()));
    }

    private String issueAccessToken() {
        String token = newToken("sim-at-");
        accessTokenExpiresAt = simulator.now().plus(simulator.accessTokenLifetime());
        simulator.remember(token, this);
        return token;
    }

    private String scope() {
        if (!grantedScopes.isEmpty()) {
            return String.join(" ", new TreeSet<>(grantedScopes));
        }
        TreeSet<String> scopes = new TreeSet<>();
        sites.forEach(site -> scopes.addAll(site.scopes()));
        scopes.add("offline_access");
        return String.join(" ", scopes);
    }

    private static String newToken(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
