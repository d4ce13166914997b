package io.grantwatch.core;

import java.util.List;
import java.util.Objects;

/**
 * One Atlassian site as a grant reaches it: the merge of every entry that accessible-resources
 * listed with this cloudId. {@code scopes} are sorted and distinct. Immutable.
 */
public record Site(String cloudId, String name, String url, List<String> scopes, String avatarUrl) {
    public Site {
        Objects.requireNonNull(cloudId, "cloudId");
        scopes = List.copyOf(scopes);
    }
}
