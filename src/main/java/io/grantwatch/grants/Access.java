package io.grantwatch.grants;

import io.grantwatch.core.GrantStatus;
import java.time.Instant;
import java.util.List;

/** The preflight answer: may the integration call this site with these scopes? */
public record Access(
        boolean allowed, String reason, List<String> missingScopes, GrantStatus status, Instant checkedAt, boolean stale) {}
