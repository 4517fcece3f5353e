package jllm.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The kernels' persistent worker threads (the inference matmuls and the dense training products), handing
 * out a job's items one claim at a time: every thread, the caller included, takes the next unclaimed item
 * until none is left, and the caller returns once every item is done, without waiting for a worker that
 * never got to run.
 *
 * <p>Why not one fixed part per thread: on a machine shared with other processes (or with the JIT's and
 * the GC's threads) a worker is often descheduled or late to wake, and a fixed part then holds the whole
 * job back: half of ShakespeareChar's training steps took twice the median time, and in decoding the
 * caller spent 29% of its time waiting for the worker's part (smollm2-135m, JFR). Here the threads that
 * run take the items. Which thread computes an item never changes its values.
 *
 * <p>Two ways to use it: items as the units of work ({@link #forEach}, {@link #forEachInRanges}), or
 * items as the threads' loops, each claiming units from the job's own counter until none is left
 * ({@code forEach(threads(), part -> { u = next.getAndIncrement(); if (u >= units) return; scratch; ... })}),
 * which keeps per-thread scratch; a part taken after the work ran out (its worker was late) claims nothing
 * and allocates nothing.
 *
 * <p>Hand-off: the caller publishes the job in a volatile field and unparks only workers that announced
 * they park; waiting threads spin (about 50 us), then yield, then park. A worker that wakes after its job
 * finished finds nothing to claim, so it never touches a later job's state.
 */
final class WorkerPool implements AutoCloseable {

    /** Spins (each a {@link Thread#onSpinWait()}, about 25 ns on Zen 4) before a waiting thread yields. */
    private static final int SPINS = 1 << 11;
    /**
     * Then yields (each a {@link Thread#yield()}) before it parks: when the machine has more runnable
     * threads than cores, the thread being waited for may be the one that needs this core.
     */
    private static final int YIELDS = 1 << 6;
    /** Ranges per thread in {@link #forEachInRanges}. */
    private static final int RANGES_PER_THREAD = 4;

    /** One job: items [0, count) of body, claimed in order. */
    private static final class Job {
        final int count;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean callerParked;

        Job(int count, IntConsumer body, Thread caller) {
            this.count = count;
            this.body = body;
            this.caller = caller;
        }

        /** Claims and runs items until none is left. */
        void work() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                if (done.incrementAndGet() == count && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private final Thread[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Job job;
    private volatile boolean closed;
    /** Workers parked or about to park: only then does a new job unpark them. */
    private final AtomicInteger parkedFlag = new AtomicInteger();

    /** A pool of {@code threads - 1} workers plus the calling thread. */
    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i;
            workers[i] = new Thread(() -> workerLoop(index), "jllm-kernel-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /** Threads taking items, the caller included. */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, count), each exactly once, on whichever threads
     * claim it, and returns when all are done. The first exception thrown is rethrown here.
     */
    void forEach(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (workers.length == 0 || count == 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the kernels' worker pool is closed");
            }
            Job j = new Job(count, body, Thread.currentThread());
            job = j;
            if (parkedFlag.get() != 0) {
                for (Thread w : workers) {
                    LockSupport.unpark(w);
                }
            }
            j.work();
            awaitDone(j);
            job = null; // lets the job's arrays go; a late worker already holding j finds nothing to claim
            rethrow(j.failure.get());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, count), in contiguous ranges (about four per thread)
     * claimed as items: for bodies too small to be claimed one by one, or whose neighbours write
     * neighbouring memory (one thread per range keeps them off each other's cache lines).
     */
    void forEachInRanges(int count, IntConsumer body) {
        int ranges = (int) Math.min(count, (long) RANGES_PER_THREAD * threads());
        if (ranges <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        forEach(ranges, r -> {
            int to = (int) ((long) count * (r + 1) / ranges);
            for (int i = (int) ((long) count * r / ranges); i < to; i++) {
                body.accept(i);
            }
        });
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

    private static void awaitDone(Job j) {
        int spins = 0;
        while (j.done.get() < j.count) {
            if (spins < SPINS + YIELDS) {
                pause(spins++);
            } else {
                j.callerParked = true; // then look again: the last item's thread sees the flag or we see its count
                if (j.done.get() < j.count) {
                    LockSupport.park(j);
                }
                j.callerParked = false;
            }
        }
    }

    private static void pause(int step) {
        if (step < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    private void workerLoop(int index) {
        Job seen = null;
        while (true) {
            int spins = 0;
            Job j;
            while ((j = job) == null || j == seen) {
                if (closed) {
                    return;
                }
                if (spins < SPINS + YIELDS) {
                    pause(spins++);
                } else {
                    parkedFlag.incrementAndGet(); // then look again: see forEach
                    j = job;
                    if ((j == null || j == seen) && !closed) {
                        LockSupport.park(this);
                    }
                    parkedFlag.decrementAndGet();
                    spins = 0;
                }
            }
            seen = j;
            j.work();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
