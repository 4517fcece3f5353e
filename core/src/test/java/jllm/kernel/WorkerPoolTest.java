package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryItemExactlyOnceOverManyJobs() {
        try (WorkerPool pool = new WorkerPool(3)) {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 3000; round++) { // many hand-offs: a lost wake-up would hang here
                int count = 1 + round % 17;
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                pool.forEach(count, i -> {
                    hits.incrementAndGet(i);
                    seen.add(Thread.currentThread());
                    if (i % 3 == 0) {
                        Thread.onSpinWait();
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertThat(hits.get(i)).as("round %d item %d", round, i).isEqualTo(1);
                }
            }
            // the caller always takes part; whether a worker did depends on the scheduler (the next test forces it)
            assertThat(seen).contains(Thread.currentThread());
        }
    }

    @Test
    void theCallerTakesTheItemsOfAWorkerThatIsHeldUp() throws Exception {
        try (WorkerPool pool = new WorkerPool(2)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger heldBy = new AtomicInteger(-1);
            AtomicInteger byCaller = new AtomicInteger();
            Thread caller = Thread.currentThread();
            long t0 = System.nanoTime();
            // the worker's first item blocks until the caller has done the 49 others (a fixed half each would
            // leave 24 of them to the blocked worker, and the latch would time out after 10 s)
            pool.forEach(50, i -> {
                if (Thread.currentThread() != caller) {
                    if (heldBy.compareAndSet(-1, i)) {
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return;
                }
                sleep(1); // slow enough that the worker wakes and claims one
                if (byCaller.incrementAndGet() == 49) {
                    release.countDown();
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(heldBy.get()).as("the worker claimed an item").isNotNegative();
            assertThat(byCaller.get()).isEqualTo(49);
            assertThat(seconds).isLessThan(5);
            AtomicInteger sum = new AtomicInteger();
            pool.forEach(10, sum::addAndGet);
            assertThat(sum.get()).isEqualTo(45);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailingItemIsRethrownAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.forEach(8, i -> {
                if (i == 5) {
                    throw new IllegalStateException("item 5 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("item 5 failed");
            AtomicInteger count = new AtomicInteger();
            pool.forEach(8, i -> count.incrementAndGet());
            assertThat(count.get()).isEqualTo(8);
        }
    }

    @Test
    void rangesCoverEveryIndexOnce() {
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int count : new int[] {0, 1, 2, 7, 8, 9, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(count, 1));
                pool.forEachInRanges(count, i -> hits.incrementAndGet(i));
                for (int i = 0; i < count; i++) {
                    assertThat(hits.get(i)).as("count %d index %d", count, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        assertThatThrownBy(() -> pool.forEach(2, i -> { })).isInstanceOf(IllegalStateException.class);
    }
}
