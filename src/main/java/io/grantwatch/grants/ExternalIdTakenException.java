package io.grantwatch.grants;

/** Another grant already has this externalId. */
public final class ExternalIdTakenException extends RuntimeException {
    private final long existingId;

    public ExternalIdTakenException(String externalId, long existingId) {
        super("a grant with externalId '" + externalId + "' exists already (id " + existingId + ")");
        this.existingId = existingId;
    }

    public long existingId() {
        return existingId;
    }
}
