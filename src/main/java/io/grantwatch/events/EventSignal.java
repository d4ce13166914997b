package io.grantwatch.events;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells local readers (long-polls, webhook workers) that new events may exist. A reader takes
 * {@link #generation()} before it reads the table and waits only while it is unchanged, so a
 * signal between its read and its wait is never lost. A lock and condition rather than
 * {@code synchronized}/{@code wait}: virtual threads on Java 21 would pin their carrier in
 * {@code Object.wait}. Thread-safe.
 */
public final class EventSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Called after a transaction that wrote events has committed, or when events from another node are seen. */
    public void fire() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the generation moves past {@code seen} or the time is up; true if it moved. */
    public boolean await(long seen, Duration atMost) throws InterruptedException {
        long nanos = Math.max(0, atMost.toNanos());
        lock.lock();
        try {
            while (generation == seen) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
