package jllm.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Persistent worker threads that run the parts of one job, the calling thread taking part 0.
 *
 * <p>Hand-off is a volatile generation counter per worker, with {@code unpark} only for a thread that
 * announced it parks (an unpark costs a system call); workers spin briefly before parking so that back-to-back matmuls (a forward pass) do not pay a wake-up each. Jobs are
 * serialized: one job runs at a time.
 */
final class WorkerPool implements AutoCloseable {

    /** Spins (each a {@link Thread#onSpinWait()}) before a waiting thread yields. */
    private static final int SPINS = 1 << 11;
    /**
     * Then yields (each a {@link Thread#yield()}) before it parks: when the machine has more runnable
     * threads than cores, the thread being waited for may be the one that needs this core, and spinning
     * would keep it off (seen as half of a batched decode step spent waiting on a loaded machine).
     */
    private static final int YIELDS = 1 << 6;

    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile IntConsumer job;
    private volatile Thread caller;
    private volatile boolean closed;
    /** Whether the caller is parked (or about to park) waiting for workers: only then is it unparked. */
    private volatile boolean callerParked;

    /** A pool running jobs of up to {@code threads} parts: {@code threads - 1} workers plus the caller. */
    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    /** Maximum parts per job. */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code body.accept(i)} for every i in {@code [0, count)}, split into contiguous ranges, one per
     * thread (each i on exactly one thread).
     */
    void forEach(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        int parts = Math.min(threads(), count);
        run(parts, part -> {
            int from = (int) ((long) count * part / parts);
            int to = (int) ((long) count * (part + 1) / parts);
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }

    /**
     * Runs {@code part.accept(i)} for i in {@code [0, parts)}, part 0 on the calling thread, and returns
     * when all have finished. The first exception thrown by a part is rethrown here.
     */
    void run(int parts, IntConsumer part) {
        if (parts < 1 || parts > threads()) {
            throw new IllegalArgumentException("parts must be in [1, " + threads() + "], not " + parts);
        }
        if (parts == 1) {
            part.accept(0);
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the kernel worker pool is closed");
            }
            failure.set(null);
            job = part;
            caller = Thread.currentThread();
            pending.set(parts - 1);
            for (int i = 0; i < parts - 1; i++) {
                workers[i].post();
            }
            try {
                part.accept(0);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            awaitWorkers();
            job = null;
            rethrow(failure.getAndSet(null));
        } finally {
            lock.unlock();
        }
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if (spins < SPINS + YIELDS) {
                pause(spins++);
            } else {
                // Announce the park, then look again: the last worker either sees the flag and unparks
                // this thread, or its decrement is seen here (both fields are volatile).
                callerParked = true;
                if (pending.get() != 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
    }

    /** One wait step before parking: spin, then yield. */
    private static void pause(int step) {
        if (step < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        for (Worker w : workers) {
            try {
                w.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile long generation;

        Worker(int index) {
            this.index = index;
            this.thread = new Thread(this, "jllm-kernel-" + index);
            this.thread.setDaemon(true);
        }

        /** Whether this worker is parked (or about to park): only then does a post unpark it. */
        volatile boolean parked;

        void post() {
            generation++; // only the job-posting thread writes, under the lock
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                int spins = 0;
                long g;
                while ((g = generation) == seen) {
                    if (closed) {
                        return;
                    }
                    if (spins < SPINS + YIELDS) {
                        pause(spins++);
                    } else {
                        parked = true; // then look again: see post()
                        if (generation == seen && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = g;
                try {
                    job.accept(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                if (pending.decrementAndGet() == 0 && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Throws {@code t}, a job's first failure, as it was (a checked one wrapped); nothing when null. */
    static void rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
