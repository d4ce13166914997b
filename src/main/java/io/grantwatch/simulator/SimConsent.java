package io.grantwatch.simulator;

import java.util.List;
import java.util.Objects;

/**
 * What the simulated user does on Atlassian's consent screen, scripted by a test before its browser
 * (an HTTP client following redirects) reaches {@code /authorize}: approve as an account, picking
 * sites with their scopes, or decline. Immutable.
 *
 * @param accountId the Atlassian account that consents; null for a refusal
 * @param sites the sites the user picks, each with the scopes it gets; they join the account's one
 *     grant for the app (a site already in it gets these scopes)
 */
public record SimConsent(String accountId, List<SimSite> sites) {
    public SimConsent {
        sites = List.copyOf(sites);
    }

    public static SimConsent approve(String accountId, SimSite... sites) {
        return new SimConsent(Objects.requireNonNull(accountId, "accountId"), List.of(sites));
    }

    /** The user clicks "Cancel": Atlassian redirects back with {@code error=access_denied}. */
    public static SimConsent decline() {
        return new SimConsent(null, List.of());
    }

    public boolean declined() {
        return accountId == null;
    }
}
