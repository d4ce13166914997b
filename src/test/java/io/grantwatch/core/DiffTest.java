package io.grantwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DiffTest {
    private static final String JIRA_SITE = "1324a887-45db-1bf4-1e99-ef0ff456d421";
    private static final String FIRST_PROJ = "9e1477fd-54ef-41fe-b747-bc9e6a11a925";
    private static final String SECOND_PROJ = "ebc887b2-7e61-4059-ab35-71f15cc16e12";

    private final Sites jira = Fixtures.sites(Fixtures.JIRA);
    private final Sites twoSites = Fixtures.sites(Fixtures.TWO_SITES);

    @Test
    void anotherAnswerWithOtherSitesRevokesTheOldAndGrantsTheNew() {
        List<SiteChange> changes = Diff.between(jira, twoSites);

        assertThat(changes).containsExactly(
                new SiteChange.Revoked(jira.find(JIRA_SITE).orElseThrow()),
                new SiteChange.Granted(twoSites.find(FIRST_PROJ).orElseThrow()),
                new SiteChange.Granted(twoSites.find(SECOND_PROJ).orElseThrow()));

        List<NewEvent> events = SiteEvents.of(changes, SiteEvents.SITE_REMOVED);
        assertThat(events).extracting(NewEvent::type, NewEvent::cloudId).containsExactly(
                tuple(EventType.SITE_REVOKED, JIRA_SITE),
                tuple(EventType.SITE_GRANTED, FIRST_PROJ),
                tuple(EventType.SITE_GRANTED, SECOND_PROJ));
        assertThat(events.get(0).data()).containsExactly(
                Map.entry("cloudId", JIRA_SITE),
                Map.entry("name", "Site name"),
                Map.entry("url", "https://your-domain.atlassian.net"),
                Map.entry("scopes", List.of("manage:jira-configuration", "read:jira-user", "write:jira-work")),
                Map.entry("avatarUrl", "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"),
                Map.entry("reason", "site_removed"));
        assertThat(events.get(2).data()).containsExactly(
                Map.entry("cloudId", SECOND_PROJ),
                Map.entry("name", "second-proj"),
                Map.entry("url", "https://second-proj.atlassian.net"),
                Map.entry("scopes", List.of("read:jira-user", "read:jira-work")),
                Map.entry("avatarUrl", "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png"));
    }

    @Test
    void aSiteThatGainsAndLosesScopesChangesScopes() {
        Sites after = withSite(twoSites, SECOND_PROJ, site -> new Site(site.cloudId(), site.name(), site.url(),
                List.of("read:jira-work", "write:jira-work", "manage:jira-webhook"), site.avatarUrl()));

        List<SiteChange> changes = Diff.between(twoSites, after);

        assertThat(changes).containsExactly(new SiteChange.ScopesChanged(SECOND_PROJ,
                List.of("manage:jira-webhook", "write:jira-work"),
                List.of("read:jira-user"),
                List.of("manage:jira-webhook", "read:jira-work", "write:jira-work")));
        NewEvent event = SiteEvents.of(changes, SiteEvents.SITE_REMOVED).get(0);
        assertThat(event.type().wireName()).isEqualTo("site.scopes_changed");
        assertThat(event.data()).containsExactly(
                Map.entry("cloudId", SECOND_PROJ),
                Map.entry("scopesAdded", List.of("manage:jira-webhook", "write:jira-work")),
                Map.entry("scopesRemoved", List.of("read:jira-user")),
                Map.entry("scopes", List.of("manage:jira-webhook", "read:jira-work", "write:jira-work")));
    }

    @Test
    void consentToMoreProductsOnTheSameSiteOnlyAddsScopes() {
        List<SiteChange> changes = Diff.between(jira, Fixtures.sites(Fixtures.MULTI_PRODUCT));

        assertThat(changes).singleElement().isInstanceOfSatisfying(SiteChange.ScopesChanged.class, change -> {
            assertThat(change.added()).containsExactly(
                    "manage:confluence-configuration",
                    "read:confluence-content.all",
                    "read:servicedesk-request",
                    "write:confluence-content");
            assertThat(change.removed()).isEmpty();
        });
    }

    @Test
    void aRenamedSiteIsUpdatedWithOnlyTheChangedFields() {
        Sites after = withSite(twoSites, FIRST_PROJ,
                site -> new Site(site.cloudId(), "First project", site.url(), site.scopes(), site.avatarUrl()));

        List<SiteChange> changes = Diff.between(twoSites, after);

        assertThat(changes).containsExactly(
                new SiteChange.Updated(twoSites.find(FIRST_PROJ).orElseThrow(), after.find(FIRST_PROJ).orElseThrow()));
        NewEvent event = SiteEvents.of(changes, SiteEvents.SITE_REMOVED).get(0);
        assertThat(event.type()).isEqualTo(EventType.SITE_UPDATED);
        assertThat(event.data()).containsExactly(
                Map.entry("cloudId", FIRST_PROJ),
                Map.entry("name", Map.of("before", "first-proj", "after", "First project")));
    }

    @Test
    void aRemovedAvatarIsReportedAsNull() {
        Sites after = withSite(twoSites, FIRST_PROJ,
                site -> new Site(site.cloudId(), site.name(), site.url(), site.scopes(), null));

        NewEvent event = SiteEvents.of(Diff.between(twoSites, after), SiteEvents.SITE_REMOVED).get(0);

        Map<String, Object> avatar = new HashMap<>();
        avatar.put("before", "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/pencilmarker.png");
        avatar.put("after", null);
        assertThat(event.data()).containsExactly(Map.entry("cloudId", FIRST_PROJ), Map.entry("avatarUrl", avatar));
        assertThat(SiteEvents.replay(twoSites, List.of(event))).isEqualTo(after);
    }

    @Test
    void aSiteCanChangeScopesAndDetailsAtOnce() {
        Sites after = withSite(twoSites, FIRST_PROJ, site -> new Site(site.cloudId(), site.name(),
                "https://first.atlassian.net", List.of("read:jira-work"), site.avatarUrl()));

        List<SiteChange> changes = Diff.between(twoSites, after);

        assertThat(changes).hasExactlyElementsOfTypes(SiteChange.ScopesChanged.class, SiteChange.Updated.class);
        assertThat(Diff.apply(twoSites, changes)).isEqualTo(after);
        assertThat(Diff.apply(twoSites, changes.reversed())).isEqualTo(after);
    }

    @Test
    void aRevokedGrantRevokesEverySiteWithItsReason() {
        List<NewEvent> events = SiteEvents.of(Diff.between(twoSites, Sites.EMPTY), SiteEvents.GRANT_REVOKED);

        assertThat(events).hasSize(2).allSatisfy(event -> {
            assertThat(event.type()).isEqualTo(EventType.SITE_REVOKED);
            assertThat(event.data()).containsEntry("reason", "grant_revoked");
        });
        assertThat(SiteEvents.replay(twoSites, events)).isEqualTo(Sites.EMPTY);
    }

    @Test
    void theSameAnswerIsNoChange() {
        assertThat(Diff.between(twoSites, Fixtures.sites(Fixtures.TWO_SITES))).isEmpty();
        assertThat(Diff.between(Sites.EMPTY, Sites.EMPTY)).isEmpty();
    }

    @Test
    void changesThatDoNotFollowFromTheStateAreRefused() {
        SiteChange.Granted grantAgain = new SiteChange.Granted(twoSites.find(FIRST_PROJ).orElseThrow());
        SiteChange.Revoked revokeAbsent = new SiteChange.Revoked(jira.find(JIRA_SITE).orElseThrow());

        assertThatThrownBy(() -> Diff.apply(twoSites, List.of(grantAgain))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Diff.apply(twoSites, List.of(revokeAbsent))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUpdateWhoseBeforeDoesNotMatchTheStateIsRefused() {
        Sites renamed = withSite(twoSites, FIRST_PROJ,
                site -> new Site(site.cloudId(), "First project", site.url(), site.scopes(), site.avatarUrl()));
        NewEvent rename = SiteEvents.of(Diff.between(twoSites, renamed), SiteEvents.SITE_REMOVED).get(0);

        assertThatThrownBy(() -> SiteEvents.replay(renamed, List.of(rename)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }

    @Test
    void grantEventsAreNotSiteChanges() {
        NewEvent grantRevoked = new NewEvent(EventType.GRANT_REVOKED, null, Map.of("reason", "invalid_grant"));

        assertThat(SiteEvents.replay(twoSites, List.of(grantRevoked))).isEqualTo(twoSites);
        assertThatThrownBy(() -> SiteEvents.toChange(grantRevoked, twoSites)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Sites withSite(Sites sites, String cloudId, UnaryOperator<Site> change) {
        List<Resource> entries = new ArrayList<>();
        for (Site site : sites.list()) {
            Site kept = site.cloudId().equals(cloudId) ? change.apply(site) : site;
            entries.add(new Resource(kept.cloudId(), kept.name(), kept.url(), kept.scopes(), kept.avatarUrl()));
        }
        return Normalizer.normalize(entries);
    }
}
