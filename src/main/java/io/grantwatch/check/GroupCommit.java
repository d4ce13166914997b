package io.grantwatch.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records check results as they come, in group commits: a committer takes the first result waiting,
 * then whatever arrives until it holds {@code maxCount} or {@code maxDelay} has passed, and records
 * them in one transaction. So no result waits for a slow check of other grants, and an unchanged
 * grant still costs one row of one batched update. Thread-safe.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private final BlockingQueue<Checked> queue = new LinkedBlockingQueue<>();
    private final CheckRecorder recorder;
    private final int maxCount;
    private final long maxDelayNanos;
    /** Told of the results each commit took, once it is done, whether or not it succeeded. */
    private final Consumer<List<Checked>> done;
    private final List<Thread> committers = new ArrayList<>();
    private volatile boolean closing;

    GroupCommit(CheckRecorder recorder, int maxCount, Duration maxDelay, int committers, Consumer<List<Checked>> done) {
        this.recorder = recorder;
        this.maxCount = maxCount;
        this.maxDelayNanos = maxDelay.toNanos();
        this.done = done;
        for (int i = 0; i < committers; i++) {
            this.committers.add(Thread.ofPlatform().daemon().name("grantwatch-commit-" + i).start(this::run));
        }
    }

    void add(Checked result) {
        queue.add(result);
    }

    private void run() {
        List<Checked> batch = new ArrayList<>(maxCount);
        while (true) {
            try {
                Checked first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxDelayNanos;
                while (batch.size() < maxCount) {
                    long left = deadline - System.nanoTime();
                    Checked next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxCount - batch.size());
                }
            } catch (InterruptedException e) {
                // close() waits for the queue to empty before it stops us; record what was taken.
                Thread.currentThread().interrupt();
            }
            commit(batch);
            batch.clear();
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    private void commit(List<Checked> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            recorder.record(batch);
        } catch (RuntimeException e) {
            // The grants keep their slots: their next regular check records them then.
            log.warn("Recording {} check results failed: {}", batch.size(), e.toString());
        } finally {
            done.accept(batch);
        }
    }

    /** Records what is queued, then stops the committers. The caller has stopped adding. */
    @Override
    public void close() {
        closing = true;
        for (Thread committer : committers) {
            try {
                committer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
