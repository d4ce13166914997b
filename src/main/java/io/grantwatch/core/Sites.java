package io.grantwatch.core;

import java.util.List;
import java.util.Optional;

/**
 * What one grant reaches at one moment: sites sorted by cloudId, each with sorted scopes, and a
 * hash of exactly that content. Two answers that differ only in order normalize to equal values
 * with equal hashes. Build it with {@link Normalizer}. Immutable.
 */
public record Sites(List<Site> list, String hash) {
    public Sites {
        list = List.copyOf(list);
    }

    public static final Sites EMPTY = Normalizer.normalize(List.of());

    public Optional<Site> find(String cloudId) {
        for (Site site : list) {
            if (site.cloudId().equals(cloudId)) {
                return Optional.of(site);
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }
}
