package io.grantwatch.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JoinedWriteTest {
    @Test
    void callersThatArriveTogetherShareWritesAndEachReturnsOnceItsItemIsWritten() throws Exception {
        Set<Integer> written = ConcurrentHashMap.newKeySet();
        AtomicInteger writes = new AtomicInteger();
        // The first write holds until every caller has arrived: the rest queue behind it, as they would
        // behind a transaction's round trip, and must then share the writes that follow.
        CountDownLatch arrived = new CountDownLatch(400);
        JoinedWrite<Integer> commits = new JoinedWrite<>(batch -> {
            if (writes.incrementAndGet() == 1) {
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (int item : batch) {
                assertThat(written.add(item)).as("written once").isTrue();
            }
        });
        List<Future<Boolean>> callers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                int item = i;
                callers.add(pool.submit(() -> {
                    arrived.countDown();
                    commits.submit(item);
                    return written.contains(item);
                }));
            }
            for (Future<Boolean> caller : callers) {
                assertThat(caller.get()).as("its item was written when submit returned").isTrue();
            }
        }
        assertThat(written).hasSize(400);
        assertThat(writes.get()).as("writes for 400 items arriving together").isLessThan(200);
    }

    @Test
    void aFailedWriteFailsTheCallersOfItsBatchAndLaterOnesWriteAgain() {
        JoinedWrite<String> commits = new JoinedWrite<>(batch -> {
            if (batch.contains("bad")) {
                throw new IllegalStateException("the database said no");
            }
        });
        assertThatThrownBy(() -> commits.submit("bad")).hasMessage("the database said no");
        commits.submit("good");
    }
}
