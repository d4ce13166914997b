package io.grantwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizerTest {
    private static final String SITE_ID = "1324a887-45db-1bf4-1e99-ef0ff456d421";

    @Test
    void mergesTheEntriesOfOneSiteIntoOneSiteWithTheUnionOfTheirScopes() {
        Sites sites = Fixtures.sites(Fixtures.MULTI_PRODUCT);

        assertThat(sites.list()).containsExactly(new Site(
                SITE_ID,
                "Site name",
                "https://your-domain.atlassian.net",
                List.of(
                        "manage:confluence-configuration",
                        "manage:jira-configuration",
                        "read:confluence-content.all",
                        "read:jira-user",
                        "read:servicedesk-request",
                        "write:confluence-content",
                        "write:jira-work"),
                "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"));
    }

    @Test
    void sortsSitesByCloudIdAndScopesByName() {
        Sites sites = Fixtures.sites(Fixtures.TWO_SITES);

        assertThat(sites.list()).extracting(Site::cloudId)
                .containsExactly("9e1477fd-54ef-41fe-b747-bc9e6a11a925", "ebc887b2-7e61-4059-ab35-71f15cc16e12");
        assertThat(sites.list().get(0).scopes()).isSorted().doesNotHaveDuplicates();
        assertThat(sites.list().get(1).scopes()).containsExactly("read:jira-user", "read:jira-work");
    }

    @Test
    void aReorderedAnswerNormalizesToTheSameSitesAndHash() {
        List<Resource> reordered = new ArrayList<>();
        for (Resource entry : Fixtures.resources(Fixtures.TWO_SITES)) {
            List<String> scopes = new ArrayList<>(entry.scopes());
            Collections.reverse(scopes);
            reordered.add(0, new Resource(entry.id(), entry.name(), entry.url(), scopes, entry.avatarUrl()));
        }

        assertThat(Normalizer.normalize(reordered)).isEqualTo(Fixtures.sites(Fixtures.TWO_SITES));
    }

    @Test
    void anEmptyAnswerIsNoSiteAtAll() {
        assertThat(Normalizer.normalize(List.of())).isEqualTo(Sites.EMPTY);
        assertThat(Sites.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void differentContentHashesDifferently() {
        Sites jira = Fixtures.sites(Fixtures.JIRA);
        Site site = jira.list().get(0);
        Sites withoutAvatar = Normalizer.normalize(List.of(
                new Resource(site.cloudId(), site.name(), site.url(), site.scopes(), null)));
        Sites withEmptyAvatar = Normalizer.normalize(List.of(
                new Resource(site.cloudId(), site.name(), site.url(), site.scopes(), "")));

        assertThat(List.of(jira.hash(), withoutAvatar.hash(), withEmptyAvatar.hash(), Sites.EMPTY.hash()))
                .doesNotHaveDuplicates();
    }
}
