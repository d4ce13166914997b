package io.grantwatch.core;

/** No grant with that id (or it was deleted). */
public final class UnknownGrantException extends RuntimeException {
    public UnknownGrantException(long id) {
        super("no grant with id " + id);
    }
}
