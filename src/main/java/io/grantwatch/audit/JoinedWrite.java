package io.grantwatch.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes the items of callers that arrive together in one go: the first caller writes what is
 * queued, those that arrive meanwhile wait, and the next of them writes all that queued up behind
 * it. Every caller returns once its own item is written, or throws what the write threw, as if it had
 * written alone; only the number of writes shrinks (one transaction, and one turn of a lock that
 * orders ids, for many items). A lock and condition rather than {@code synchronized}: waiting virtual
 * threads must not pin their carrier on Java 21. Thread-safe.
 */
final class JoinedWrite<T> {
    private final Consumer<List<T>> write;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private List<Pending<T>> queued = new ArrayList<>();
    private boolean writing;

    private static final class Pending<T> {
        final T item;
        boolean done;
        RuntimeException failure;

        Pending(T item) {
            this.item = item;
        }
    }

    /** @param write writes a batch, in order, all or nothing */
    JoinedWrite(Consumer<List<T>> write) {
        this.write = write;
    }

    void submit(T item) {
        Pending<T> mine = new Pending<>(item);
        List<Pending<T>> batch;
        lock.lock();
        try {
            queued.add(mine);
            while (writing && !mine.done) {
                written.awaitUninterruptibly();
            }
            if (mine.done) {
                rethrow(mine);
                return;
            }
            writing = true;
            batch = queued;
            queued = new ArrayList<>();
        } finally {
            lock.unlock();
        }
        RuntimeException failure = null;
        try {
            write.accept(batch.stream().map(pending -> pending.item).toList());
        } catch (RuntimeException e) {
            failure = e;
        }
        lock.lock();
        try {
            for (Pending<T> pending : batch) {
                pending.done = true;
                pending.failure = failure;
            }
            writing = false;
            written.signalAll();
        } finally {
            lock.unlock();
        }
        rethrow(mine);
    }

    private static void rethrow(Pending<?> pending) {
        if (pending.failure != null) {
            throw pending.failure;
        }
    }
}
