package io.grantwatch.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.SplittableRandom;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2's file under a trickle of small commits, as polls make them: without housekeeping every commit
 * leaves a chunk with a page or two still live, and the file keeps them all; a round of housekeeping
 * copies those pages out so that the chunks can be reused.
 */
class H2HousekeepingTest {
    @TempDir
    Path folder;

    @Test
    void aRoundRewritesTheSparseChunksThatCommitsLeaveBehind() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        // As grantwatch opens H2 (every commit written at once), with no retention so that a chunk may be
        // taken back at once instead of 45 s later.
        h2.setURL("jdbc:h2:file:" + folder.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=0");
        h2.setUser("sa");
        try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE grant_row (id INT PRIMARY KEY, checked BIGINT, due BIGINT)");
            statement.execute("CREATE INDEX grant_row_due ON grant_row (due)");
            statement.execute("INSERT INTO grant_row SELECT x, 0, x FROM SYSTEM_RANGE(1, 5000)");
            // Polls: each commit updates a few rows, their check time and their next due time.
            SplittableRandom random = new SplittableRandom(11);
            try (PreparedStatement poll = connection.prepareStatement("UPDATE grant_row SET checked = ?, due = ? WHERE id = ?")) {
                for (int commit = 0; commit < 600; commit++) {
                    for (int row = 0; row < 3; row++) {
                        poll.setLong(1, commit);
                        poll.setLong(2, random.nextLong(1_000_000));
                        poll.setInt(3, random.nextInt(1, 5001));
                        poll.executeUpdate();
                    }
                }
            }
            long chunksBefore = info(statement, "info.CHUNK_COUNT");
            long fillBefore = info(statement, "info.CHUNKS_FILL_RATE");
            long sizeBefore = info(statement, "info.FILE_SIZE");

            H2Housekeeping housekeeping = new H2Housekeeping(h2, Duration.ofDays(1));
            try {
                assertThat(housekeeping.tick()).as("a round rewrote the sparse chunks' live pages").isTrue();
                // The next commit writes the rewritten pages; the one after drops the chunks they left.
                for (int commit = 0; commit < 3; commit++) {
                    statement.execute("UPDATE grant_row SET checked = checked + 1 WHERE id = 1");
                }
                // The next round finds the file mostly holes, and moves the chunks at its end into them.
                housekeeping.tick();
            } finally {
                housekeeping.close();
            }

            long chunksAfter = info(statement, "info.CHUNK_COUNT");
            long fillAfter = info(statement, "info.CHUNKS_FILL_RATE");
            assertThat(chunksBefore).as("chunks the commits left").isGreaterThan(100);
            assertThat(chunksAfter).as("chunks after housekeeping, of " + chunksBefore).isLessThan(chunksBefore / 4);
            assertThat(fillAfter).as("live share of the chunks, " + fillBefore + "% before").isGreaterThan(fillBefore * 2);
            assertThat(info(statement, "info.FILE_SIZE")).as("file size, " + sizeBefore + " bytes before").isLessThan(sizeBefore / 2);
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*), SUM(id) FROM grant_row")) {
                rows.next();
                assertThat(rows.getLong(1)).as("rows").isEqualTo(5000);
                assertThat(rows.getLong(2)).as("sum of ids").isEqualTo(5000L * 5001 / 2);
            }
        }
    }

    @Test
    void onlyAnEmbeddedFileIsLookedAfter() throws Exception {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:housekeeping");
        memory.setUser("sa");
        try (Connection connection = memory.getConnection()) {
            assertThat(H2Housekeeping.store(connection)).isNull();
            H2Housekeeping housekeeping = new H2Housekeeping(memory, Duration.ofDays(1));
            assertThat(housekeeping.tick()).isFalse();
            housekeeping.close();
        }
    }

    private static long info(Statement statement, String name) throws SQLException {
        try (ResultSet rows = statement.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = '" + name + "'")) {
            rows.next();
            return Long.parseLong(rows.getString(1));
        }
    }
}
