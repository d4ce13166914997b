package io.grantwatch.access;

import java.util.Set;

/**
 * Who made a request: the name of the API key it carried and that key's roles. The name is what
 * the audit records; the key itself is never kept here.
 */
public record Caller(String keyName, Set<Role> roles) {
    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean may(Role needed) {
        return needed.grantedBy(roles);
    }
}
