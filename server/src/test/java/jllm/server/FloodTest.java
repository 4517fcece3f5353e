package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import jllm.model.LoadedModel;

/**
 * A bounded loopback flood: 200 requests, 16 at once, against 2 slots and a queue of 4. Every answer is
 * 200, 429 or 503; nothing is logged at WARNING or above; afterwards threads and heap are back to their
 * baseline and no slot is left busy.
 */
class FloodTest {

    @Test
    void floodOfTwoHundredRequestsSixteenAtOnce() throws Exception {
        List<LogRecord> problems = new ArrayList<>();
        Handler catcher = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (problems) {
                        problems.add(r);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (LoadedModel loaded = TestServers.stories();
             OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(2)
                     .withQueueCapacity(4), ServedModel.of("m", loaded))) {
            Http http = new Http(server.port());
            http.post("/v1/chat/completions", SlotsTest.chat("warm up", 8, false));
            settle();
            int baseThreads = threads.getThreadCount();
            long baseHeap = memory.getHeapMemoryUsage().getUsed();
            root.addHandler(catcher);
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            long t0 = System.nanoTime();
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                 ExecutorService pool = Executors.newFixedThreadPool(16)) {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    all.add(pool.submit(() -> {
                        boolean stream = n % 2 == 0;
                        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(SlotsTest.chat("Story " + n, 8 + n % 24, stream))).build();
                        HttpResponse<InputStream> res = client.send(r, HttpResponse.BodyHandlers.ofInputStream());
                        try (InputStream in = res.body()) {
                            if (n % 10 == 3) {
                                in.read(new byte[64]); // this client leaves mid-answer
                            } else {
                                in.readAllBytes();
                            }
                        }
                        statuses.computeIfAbsent(res.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).isLessThan(60);
            assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(200, 429, 503);
            assertThat(statuses.get(200).get()).isPositive();
            assertThat(statuses.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(200);
            SlotsTest.waitFor(() -> server.metrics().render().contains("jllm_slots_busy{model=\"m\"} 0")
                    && server.metrics().render().contains("jllm_queue_depth{model=\"m\"} 0"));
            root.removeHandler(catcher);
            assertThat(problems).extracting(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).isEmpty();
            // threads and heap return to the baseline (the HTTP client and its pool are closed)
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (threads.getThreadCount() > baseThreads + 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(threads.getThreadCount()).as("threads after (before: %d)", baseThreads).isLessThanOrEqualTo(baseThreads + 2);
            settle();
            assertThat(memory.getHeapMemoryUsage().getUsed()).as("heap after (before: %d)", baseHeap)
                    .isLessThan(baseHeap + (32 << 20));
            System.out.printf("flood: %.1f s, statuses %s%n", seconds, statuses);
        } finally {
            root.removeHandler(catcher);
        }
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }
}
