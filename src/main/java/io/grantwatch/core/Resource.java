package io.grantwatch.core;

import java.util.List;

/**
 * One entry of Atlassian's accessible-resources answer exactly as it came: the same cloudId can
 * come back in several entries (one per product), in any order. Fields may be null when Atlassian
 * omits them; {@code id} never is once the answer has been classified as valid.
 */
public record Resource(String id, String name, String url, List<String> scopes, String avatarUrl) {
    public Resource {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }
}
