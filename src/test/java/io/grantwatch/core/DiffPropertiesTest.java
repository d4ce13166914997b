package io.grantwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DiffPropertiesTest {
    // Small pools, so that two generated states share sites often and differ in few fields.
    private static final List<String> CLOUD_IDS = List.of("c-1", "c-2", "c-3", "c-4", "c-5");
    private static final List<String> SCOPES = List.of(
            "read:jira-work", "write:jira-work", "read:jira-user", "manage:jira-configuration",
            "read:confluence-content.all", "read:servicedesk-request");
    private static final List<String> NAMES = List.of("alpha", "beta", "gamma");
    private static final List<String> URLS = List.of("https://a.atlassian.net", "https://b.atlassian.net");
    private static final List<String> AVATARS = List.of("https://cdn/flag.png", "https://cdn/rocket.png");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Property
    void reorderingAndSplittingEntriesIsNoChange(@ForAll("sites") Sites sites, @ForAll Random random) {
        Sites reread = Normalizer.normalize(scrambledEntries(sites, random));

        assertThat(reread).isEqualTo(sites);
        assertThat(reread.hash()).isEqualTo(sites.hash());
        assertThat(Diff.between(sites, reread)).isEmpty();
    }

    @Property
    void applyingTheDiffToTheOldStateGivesTheNewOne(@ForAll("sites") Sites before, @ForAll("sites") Sites after) {
        assertThat(Diff.apply(before, Diff.between(before, after))).isEqualTo(after);
    }

    @Property
    void replayingTheEventsReadFromJsonGivesTheNewState(
            @ForAll("sites") Sites before, @ForAll("sites") Sites after) throws Exception {
        List<NewEvent> events = new ArrayList<>();
        for (NewEvent written : SiteEvents.of(Diff.between(before, after), SiteEvents.SITE_REMOVED)) {
            // Through JSON and back, as a consumer of the feed or of a webhook sees the event.
            Map<String, Object> data = JSON.readValue(
                    JSON.writeValueAsString(written.data()), new TypeReference<Map<String, Object>>() {});
            events.add(new NewEvent(written.type(), written.cloudId(), data));
        }

        Sites replayed = SiteEvents.replay(before, events);

        assertThat(replayed).isEqualTo(after);
        assertThat(replayed.hash()).isEqualTo(after.hash());
    }

    @Property
    void aStateComparedWithItselfHasNoChange(@ForAll("sites") Sites sites) {
        assertThat(Diff.between(sites, sites)).isEmpty();
    }

    @Property
    void grantedAndRevokedAreExactlyTheSitesThatCameAndWent(
            @ForAll("sites") Sites before, @ForAll("sites") Sites after) {
        List<SiteChange> changes = Diff.between(before, after);
        List<String> granted = cloudIdsOf(changes, SiteChange.Granted.class);
        List<String> revoked = cloudIdsOf(changes, SiteChange.Revoked.class);

        Set<String> cameAndWent = new HashSet<>(granted);
        cameAndWent.addAll(revoked);
        assertThat(cameAndWent).hasSize(granted.size() + revoked.size());
        assertThat(granted).containsExactlyInAnyOrderElementsOf(difference(after, before));
        assertThat(revoked).containsExactlyInAnyOrderElementsOf(difference(before, after));
        assertThat(changes).extracting(SiteChange::cloudId).isSorted();
    }

    @Provide
    Arbitrary<Sites> sites() {
        return Arbitraries.subsetOf(CLOUD_IDS)
                .flatMap(cloudIds -> Combinators.combine(cloudIds.stream().map(DiffPropertiesTest::site).toList())
                        .as(sites -> Normalizer.normalize(sites.stream().map(DiffPropertiesTest::entry).toList())));
    }

    private static Arbitrary<Site> site(String cloudId) {
        return Combinators.combine(
                        Arbitraries.of(NAMES),
                        Arbitraries.of(URLS),
                        Arbitraries.subsetOf(SCOPES),
                        Arbitraries.of(AVATARS).injectNull(0.3))
                .as((name, url, scopes, avatar) -> new Site(cloudId, name, url, List.copyOf(scopes), avatar));
    }

    /** The entries of an answer that lists {@code sites}: in any order, each site maybe once per product. */
    private static List<Resource> scrambledEntries(Sites sites, Random random) {
        List<Resource> entries = new ArrayList<>();
        for (Site site : sites.list()) {
            int products = 1 + random.nextInt(3);
            List<List<String>> scopesPerEntry = new ArrayList<>();
            for (int i = 0; i < products; i++) {
                scopesPerEntry.add(new ArrayList<>());
            }
            // Every scope lands in at least one entry and maybe in more, as scopes shared by products do.
            for (String scope : site.scopes()) {
                scopesPerEntry.get(random.nextInt(products)).add(scope);
                scopesPerEntry.get(random.nextInt(products)).add(scope);
            }
            for (List<String> scopes : scopesPerEntry) {
                Collections.shuffle(scopes, random);
                entries.add(new Resource(site.cloudId(), site.name(), site.url(), scopes, site.avatarUrl()));
            }
        }
        Collections.shuffle(entries, random);
        return entries;
    }

    private static Resource entry(Site site) {
        return new Resource(site.cloudId(), site.name(), site.url(), site.scopes(), site.avatarUrl());
    }

    private static List<String> cloudIdsOf(List<SiteChange> changes, Class<? extends SiteChange> kind) {
        return changes.stream().filter(kind::isInstance).map(SiteChange::cloudId).toList();
    }

    private static Set<String> difference(Sites sites, Sites minus) {
        Set<String> cloudIds = new HashSet<>();
        sites.list().forEach(site -> cloudIds.add(site.cloudId()));
        minus.list().forEach(site -> cloudIds.remove(site.cloudId()));
        return cloudIds;
    }
}
