package io.grantwatch.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back the dead space in an embedded H2 file, which H2 would otherwise never do here.
 *
 * <p>H2's MVStore writes every commit as a new chunk at a free place in its file. A chunk's space is
 * reused only once none of its pages is live any more (and it is older than {@code RETENTION_TIME}); a
 * chunk that keeps a page or two live is rewritten by MVStore's background housekeeping, which copies
 * those pages into a new chunk. grantwatch opens H2 with {@code WRITE_DELAY=0}, so that a commit is in the
 * file before the feed hands its events out; but with no write delay MVStore runs no background thread
 * at all, and so no housekeeping: every poll left a few sparse chunks behind, and the file grew for as
 * long as grantwatch ran (a 25-minute run: 58.7 to 96.0 MiB, its chunks 3 to 5% live).
 *
 * <p>This runs the same housekeeping on a timer (see {@link #tick()}), through H2's public
 * {@link MVStore#compact(int, int)} and {@link RandomAccessStore#compactMoveChunks(int, long, MVStore)}. It is
 * written here because H2 offers no SQL for it; it reaches the store through H2's own session classes
 * (H2 2.3), as its tools do. A failed round is logged and the next one tries again; nothing here touches a
 * row.
 */
final class H2Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Housekeeping.class);
    /** Below this share of live pages in its chunks the store is worth a rewrite: H2's own default. */
    static final int TARGET_FILL_RATE = 90;
    /** The live bytes one tick copies at most: about what H2's own housekeeping does in a busy second. */
    static final int WRITE_LIMIT = 4 * 1024 * 1024;
    /** The bytes of chunks one tick moves at most from the end of the file into the holes freed before them. */
    static final long MOVE_LIMIT = 4 * 1024 * 1024;

    private final DataSource dataSource;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "h2-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    H2Housekeeping(DataSource dataSource, Duration every) {
        this.dataSource = dataSource;
        timer.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One round, as H2's background housekeeping does it: the sparsest old chunks' live pages are copied
     * out (their chunks are freed once those copies are committed and the retention time has passed), and,
     * when the file holds more free space than {@code 100 - TARGET_FILL_RATE} percent, chunks near its end
     * are moved into the holes so that the file can be cut short (H2 syncs the file before it overwrites
     * anything). True when some chunk was rewritten.
     */
    boolean tick() {
        try (Connection connection = dataSource.getConnection()) {
            MVStore store = store(connection);
            if (store == null || store.isClosed()) {
                return false;
            }
            boolean rewritten = store.compact(TARGET_FILL_RATE, WRITE_LIMIT);
            if (store.getFileStore() instanceof RandomAccessStore file && store.getFillRate() < TARGET_FILL_RATE) {
                file.compactMoveChunks(TARGET_FILL_RATE, MOVE_LIMIT, store);
            }
            return rewritten;
        } catch (SQLException | RuntimeException e) {
            log.debug("H2 housekeeping skipped a round: {}", e.toString());
            return false;
        }
    }

    /** The store behind an embedded connection, or null for one that is not (a server's, an in-memory one). */
    static MVStore store(Connection connection) throws SQLException {
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local) || !local.getDatabase().isPersistent()) {
            return null;
        }
        return local.getDatabase().getStore().getMvStore();
    }

    @Override
    public void close() {
        // Waits for a round under way instead of interrupting it: an interrupt in the middle of a write is
        // what H2 takes worst, and a round is short.
        timer.close();
    }
}
