package io.grantwatch.db;

/** The database cannot be reached or its schema cannot be brought up to date (exit code 3). */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message) {
        super(message);
    }
}
