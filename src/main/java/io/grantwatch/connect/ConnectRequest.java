package io.grantwatch.connect;

import java.util.List;

/**
 * The body of {@code POST /v1/connect}. {@code scopes} (null: {@code atlassian.scopes}) replaces the
 * configured scopes for this consent; {@code grantId} names the grant to renew. Immutable.
 */
public record ConnectRequest(String returnUrl, String externalId, String label, List<String> scopes, Long grantId) {
    public ConnectRequest {
        scopes = scopes == null ? null : List.copyOf(scopes);
    }
}
