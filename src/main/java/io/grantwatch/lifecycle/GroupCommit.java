package io.grantwatch.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes items as they come, in groups: a committer takes the first item waiting, then whatever
 * arrives until it holds {@code maxCount} or {@code maxDelay} has passed, and hands them to
 * {@code write} in one go (one transaction for many items). So no item waits for a slow producer of
 * others, and a burst costs one write, not one per item. {@code add} never waits; {@code write}
 * handles its own failures (whatever it throws is dropped with its group). Closing writes what is
 * queued first. Thread-safe.
 */
public final class GroupCommit<T> implements AutoCloseable {
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<T>> write;
    private final int maxCount;
    private final long maxDelayNanos;
    private final List<Thread> committers = new ArrayList<>();
    private volatile boolean closing;

    /** @param name the committer threads' name prefix */
    public GroupCommit(String name, int maxCount, Duration maxDelay, int committers, Consumer<List<T>> write) {
        this.write = write;
        this.maxCount = maxCount;
        this.maxDelayNanos = maxDelay.toNanos();
        for (int i = 0; i < committers; i++) {
            this.committers.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(this::run));
        }
    }

    public void add(T item) {
        queue.add(item);
    }

    private void run() {
        List<T> batch = new ArrayList<>(maxCount);
        while (true) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
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
                    T next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxCount - batch.size());
                }
            } catch (InterruptedException e) {
                // close() waits for the queue to empty before it stops us; write what was taken.
                Thread.currentThread().interrupt();
            }
            if (!batch.isEmpty()) {
                try {
                    write.accept(List.copyOf(batch));
                } catch (RuntimeException e) {
                    // write says what went wrong itself; the committer goes on.
                }
            }
            batch.clear();
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** Writes what is queued, then stops the committers. The callers have stopped adding. */
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
