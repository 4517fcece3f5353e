package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryPartOnceWithPartZeroOnTheCaller() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 2000; round++) {
                int[] hits = new int[3];
                ConcurrentHashMap<Integer, Thread> threads = new ConcurrentHashMap<>();
                pool.run(3, part -> {
                    hits[part]++;
                    threads.put(part, Thread.currentThread());
                });
                assertThat(hits).containsExactly(1, 1, 1);
                assertThat(threads.get(0)).isSameAs(Thread.currentThread());
                assertThat(threads.get(1)).isNotSameAs(Thread.currentThread());
            }
        }
    }

    @Test
    void fewerPartsThanThreads() {
        try (WorkerPool pool = new WorkerPool(4)) {
            AtomicInteger sum = new AtomicInteger();
            pool.run(2, sum::addAndGet);
            pool.run(1, sum::addAndGet);
            assertThat(sum.get()).isEqualTo(1);
            assertThatThrownBy(() -> pool.run(5, p -> { })).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aFailingPartIsRethrownAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.run(2, part -> {
                if (part == 1) {
                    throw new IllegalStateException("part 1 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("part 1 failed");
            AtomicInteger count = new AtomicInteger();
            pool.run(2, part -> count.incrementAndGet());
            assertThat(count.get()).isEqualTo(2);
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        assertThatThrownBy(() -> pool.run(2, p -> { })).isInstanceOf(IllegalStateException.class);
    }
}
