package io.grantwatch.grants;

import io.grantwatch.core.ApiUrls;
import io.grantwatch.core.Site;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A site as the API shows it (in grants and snapshots): the stored {@link Site} and the base URLs of
 * the product APIs its scopes reach, from {@code atlassian.apiBaseUrl}. Immutable.
 */
public record SiteView(String cloudId, String name, String url, List<String> scopes, String avatarUrl, Map<String, String> apiUrls) {
    public static SiteView of(Site site, URI apiBaseUrl) {
        return new SiteView(site.cloudId(), site.name(), site.url(), site.scopes(), site.avatarUrl(),
                ApiUrls.of(apiBaseUrl.toString(), site.cloudId(), site.scopes()));
    }

    public static List<SiteView> of(List<Site> sites, URI apiBaseUrl) {
        return sites.stream().map(site -> of(site, apiBaseUrl)).toList();
    }
}
