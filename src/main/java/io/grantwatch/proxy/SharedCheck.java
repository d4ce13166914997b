package io.grantwatch.proxy;

import io.grantwatch.grants.GrantService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Checks a grant at once after a site refused its token, once for all the calls that run into the
 * refusal together: a call that finds a check of its grant running waits for that one and does not
 * start another. When it returns, the check's events are committed. Thread-safe.
 */
public final class SharedCheck {
    private final GrantService grants;
    private final ConcurrentMap<Long, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    public SharedCheck(GrantService grants) {
        this.grants = grants;
    }

    /** @param refusedBy the cloudId whose API refused the token, or null (a first check of a pending grant) */
    public void check(long grantId, String refusedBy) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> theirs = running.putIfAbsent(grantId, mine);
        if (theirs != null) {
            try {
                theirs.join();
                return;
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            grants.checkAfterRefusal(grantId, refusedBy);
            mine.complete(null);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(grantId, mine);
        }
    }
}
