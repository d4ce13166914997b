package io.grantwatch.db;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** All SQL on {@code dispatch_cursor}: the one row that hands out windows of the regular schedule. */
public final class DispatchDao {
    private final Handle handle;

    public DispatchDao(Handle handle) {
        this.handle = handle;
    }

    /** Until when the regular slots have been claimed; empty before the first claim. */
    public Optional<Instant> checkedUntil() {
        return handle.createQuery("SELECT checked_until FROM dispatch_cursor WHERE id = 1")
                .mapTo(Instant.class)
                .findOne();
    }

    /**
     * Moves the cursor from {@code from} to {@code to} if nobody moved it meanwhile: the caller then
     * owns the window between them. A null {@code from} is the very first claim.
     */
    public boolean advance(Instant from, Instant to) {
        return handle.createUpdate("UPDATE dispatch_cursor SET checked_until = :to WHERE id = 1 AND "
                        + (from == null ? "checked_until IS NULL" : "checked_until = :from"))
                .bind("to", to)
                .bind("from", from)
                .execute() == 1;
    }
}
