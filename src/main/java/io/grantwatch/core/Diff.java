package io.grantwatch.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The difference between two {@link Sites} of one grant, and its replay. Pure; thread-safe.
 *
 * <p>Changes come sorted by cloudId; for one cloudId a {@link SiteChange.ScopesChanged} comes
 * before an {@link SiteChange.Updated}. A site is either granted, revoked, or kept with at most
 * one change of each kind.
 */
public final class Diff {
    private Diff() {}

    /** What changed from {@code before} to {@code after}; empty when both hold the same sites. */
    public static List<SiteChange> between(Sites before, Sites after) {
        Map<String, Site> old = byCloudId(before);
        Map<String, Site> current = byCloudId(after);
        SortedSet<String> cloudIds = new TreeSet<>(old.keySet());
        cloudIds.addAll(current.keySet());

        List<SiteChange> changes = new ArrayList<>();
        for (String cloudId : cloudIds) {
            Site was = old.get(cloudId);
            Site is = current.get(cloudId);
            if (was == null) {
                changes.add(new SiteChange.Granted(is));
            } else if (is == null) {
                changes.add(new SiteChange.Revoked(was));
            } else {
                scopesChange(was, is).ifPresent(changes::add);
                if (!sameDetails(was, is)) {
                    changes.add(new SiteChange.Updated(was, is));
                }
            }
        }
        return List.copyOf(changes);
    }

    /**
     * Replays {@code changes} onto {@code before}, in order. The result is normalized, so its hash
     * compares with that of the answer the changes were computed from.
     *
     * @throws IllegalArgumentException when a change does not fit the state it is applied to (a
     *     site granted twice, or revoked, re-scoped or updated while absent): the changes do not
     *     follow from this state
     */
    public static Sites apply(Sites before, List<SiteChange> changes) {
        Map<String, Site> sites = byCloudId(before);
        for (SiteChange change : changes) {
            String cloudId = change.cloudId();
            Site was = sites.get(cloudId);
            if ((was == null) != (change instanceof SiteChange.Granted)) {
                throw new IllegalArgumentException(
                        "cannot apply " + change + ": site " + cloudId + (was == null ? " is absent" : " is present"));
            }
            switch (change) {
                case SiteChange.Granted granted -> sites.put(cloudId, granted.site());
                case SiteChange.Revoked revoked -> sites.remove(cloudId);
                case SiteChange.ScopesChanged scopes ->
                        sites.put(cloudId, new Site(cloudId, was.name(), was.url(), scopes.scopes(), was.avatarUrl()));
                // Only the details: the scopes belong to ScopesChanged, so the two commute.
                case SiteChange.Updated updated -> {
                    Site after = updated.after();
                    sites.put(cloudId, new Site(cloudId, after.name(), after.url(), was.scopes(), after.avatarUrl()));
                }
            }
        }
        return Normalizer.normalize(sites.values().stream()
                .map(site -> new Resource(site.cloudId(), site.name(), site.url(), site.scopes(), site.avatarUrl()))
                .toList());
    }

    private static Optional<SiteChange> scopesChange(Site was, Site is) {
        SortedSet<String> oldScopes = new TreeSet<>(was.scopes());
        SortedSet<String> newScopes = new TreeSet<>(is.scopes());
        if (oldScopes.equals(newScopes)) {
            return Optional.empty();
        }
        SortedSet<String> added = new TreeSet<>(newScopes);
        added.removeAll(oldScopes);
        SortedSet<String> removed = new TreeSet<>(oldScopes);
        removed.removeAll(newScopes);
        return Optional.of(new SiteChange.ScopesChanged(
                is.cloudId(), List.copyOf(added), List.copyOf(removed), List.copyOf(newScopes)));
    }

    private static boolean sameDetails(Site was, Site is) {
        return Objects.equals(was.name(), is.name())
                && Objects.equals(was.url(), is.url())
                && Objects.equals(was.avatarUrl(), is.avatarUrl());
    }

    private static Map<String, Site> byCloudId(Sites sites) {
        Map<String, Site> byId = new TreeMap<>();
        for (Site site : sites.list()) {
            byId.put(site.cloudId(), site);
        }
        return byId;
    }
}
