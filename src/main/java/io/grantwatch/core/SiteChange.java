package io.grantwatch.core;

import java.util.List;

/** One difference between two {@link Sites}, as {@link Diff} finds it. */
public sealed interface SiteChange {
    String cloudId();

    /** A site that was not there before. */
    record Granted(Site site) implements SiteChange {
        public String cloudId() { return site.cloudId(); }
    }

    /** A site that is gone; {@code site} is how it was last seen. */
    record Revoked(Site site) implements SiteChange {
        public String cloudId() { return site.cloudId(); }
    }

    /** A site that stays, with other scopes. {@code scopes} is the new full set. */
    record ScopesChanged(String cloudId, List<String> added, List<String> removed, List<String> scopes)
            implements SiteChange {
        public ScopesChanged {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            scopes = List.copyOf(scopes);
        }
    }

    /** A site whose name, url or avatar changed; {@code before} and {@code after} are the whole site. */
    record Updated(Site before, Site after) implements SiteChange {
        public String cloudId() { return after.cloudId(); }
    }
}
