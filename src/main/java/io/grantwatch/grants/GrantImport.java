package io.grantwatch.grants;

import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.GrantDao;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Registers many grants at once: tokens encrypted exactly as one by one, rows inserted in batches, and
 * no immediate check: each grant takes its place in the regular schedule (its phase), so 100,000
 * imported grants have their first checks spread over one interval, not in one burst. Thread-safe.
 */
public final class GrantImport {
    /** The most items one import takes. */
    public static final int MAX_ITEMS = 10_000;
    private static final int CHUNK = 1_000;

    private final Jdbi jdbi;
    private final TokenCipher cipher;
    private final Clock clock;

    public GrantImport(Jdbi jdbi, TokenCipher cipher, Clock clock) {
        this.jdbi = jdbi;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** One item of an import: a registration, or what was wrong with it (then {@code registration} is null). */
    public record Item(GrantService.Registration registration, String error, String message) {
        public static Item of(GrantService.Registration registration) {
            return new Item(Objects.requireNonNull(registration), null, null);
        }

        public static Item failed(String error, String message) {
            return new Item(null, error, message);
        }
    }

    public record Imported(int index, long id, String externalId) {}

    public record Failed(int index, String error, String message) {}

    public record Result(int imported, List<Imported> grants, List<Failed> errors) {}

    /**
     * Registers the good items, in order; a bad item, or one whose externalId an existing grant or an
     * earlier item holds, is reported instead. All of it commits together.
     */
    public Result importAll(List<Item> items) {
        if (items.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("at most " + MAX_ITEMS + " grants per import");
        }
        try {
            return attempt(items);
        } catch (UnableToExecuteStatementException raced) {
            // A grant with one of these externalIds was registered meanwhile: the unique constraint refused the
            // batch. Once more, now that it is committed and the conflict shows as one.
            return attempt(items);
        }
    }

    private Result attempt(List<Item> items) {
        Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            GrantDao grants = new GrantDao(handle);
            Set<String> wanted = new HashSet<>();
            items.forEach(item -> {
                if (item.registration() != null && item.registration().externalId() != null) {
                    wanted.add(item.registration().externalId());
                }
            });
            Set<String> taken = grants.takenExternalIds(wanted);
            Map<String, Integer> earlier = new HashMap<>();
            List<Failed> errors = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            List<GrantDao.NewGrant> rows = new ArrayList<>();
            for (int index = 0; index < items.size(); index++) {
                Item item = items.get(index);
                GrantService.Registration registration = item.registration();
                if (registration == null) {
                    errors.add(new Failed(index, item.error(), item.message()));
                    continue;
                }
                String externalId = registration.externalId();
                if (externalId != null && taken.contains(externalId)) {
                    errors.add(new Failed(index, "conflict", "a grant with this externalId exists"));
                    continue;
                }
                if (externalId != null && earlier.putIfAbsent(externalId, index) != null) {
                    errors.add(new Failed(index, "conflict", "item " + earlier.get(externalId) + " has the same externalId"));
                    continue;
                }
                Tokens tokens = registration.tokens();
                rows.add(new GrantDao.NewGrant(externalId, registration.label(), cipher.encrypt(tokens.accessToken()),
                        cipher.encrypt(tokens.refreshToken()), cipher.currentKeyId(), tokens.expiresAt(),
                        Objects.requireNonNullElse(registration.consentedAt(), now), now, null));
                indexes.add(index);
            }
            List<Long> ids = new ArrayList<>(rows.size());
            for (int from = 0; from < rows.size(); from += CHUNK) {
                ids.addAll(grants.insertAllReturningIds(rows.subList(from, Math.min(from + CHUNK, rows.size()))));
            }
            grants.placeNew();
            List<Imported> imported = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                imported.add(new Imported(indexes.get(i), ids.get(i), rows.get(i).externalId()));
            }
            return new Result(imported.size(), imported, errors);
        });
    }
}
