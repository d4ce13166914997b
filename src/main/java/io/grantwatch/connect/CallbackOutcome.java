package io.grantwatch.connect;

/** What {@code GET /connect/callback} answers: a redirect to the integration's return URL, or an error page. */
public sealed interface CallbackOutcome {
    /** {@code 302} to {@code location}: the return URL with {@code status}, and {@code grantId} and {@code newSites} or {@code error}. */
    record Redirect(String location) implements CallbackOutcome {}

    /**
     * A page, when there is no return URL to trust (an unknown, used or expired state); {@code message}
     * is for the person in front of the browser and repeats nothing from the request.
     */
    record Page(int status, String message) implements CallbackOutcome {}
}
