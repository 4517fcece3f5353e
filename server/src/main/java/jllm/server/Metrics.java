package jllm.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Counters and gauges of the server, rendered in Prometheus' text format at {@code /metrics}. */
public final class Metrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>(); // key: endpoint + status
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder generateNanos = new LongAdder();
    private final Map<String, Supplier<int[]>> engines = new ConcurrentHashMap<>(); // model -> {queued, busy, slots}
    private final Map<String, LongAdder> guardScreened = new ConcurrentHashMap<>(); // key: role
    private final Map<String, LongAdder> guardFlagged = new ConcurrentHashMap<>();  // key: role
    /** Upper bounds (seconds) of the guard latency histogram's buckets; +Inf follows. */
    static final double[] GUARD_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private final LongAdder[] guardBuckets = new LongAdder[GUARD_BUCKETS.length + 1]; // counts per bucket, last = +Inf
    private final LongAdder guardNanos = new LongAdder();

    public Metrics() {
        for (int i = 0; i < guardBuckets.length; i++) {
            guardBuckets[i] = new LongAdder();
        }
    }

    /** Counts one answered request. */
    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    /** Counts the tokens of one finished generation and the time spent decoding them. */
    public void tokens(int prompt, int completion, long nanos) {
        promptTokens.add(prompt);
        completionTokens.add(completion);
        generateNanos.add(nanos);
    }

    /** Counts one text the guard screened, by the role of its message ({@code user}, {@code tool}, {@code prompt}). */
    public void guardScreened(String role, boolean flagged) {
        guardScreened.computeIfAbsent(role, k -> new LongAdder()).increment();
        guardFlagged.computeIfAbsent(role, k -> new LongAdder());
        if (flagged) {
            guardFlagged.get(role).increment();
        }
    }

    /** Records the time the guard added to one request. */
    public void guardLatency(long nanos) {
        double s = nanos / 1e9;
        int b = 0;
        while (b < GUARD_BUCKETS.length && s > GUARD_BUCKETS[b]) {
            b++;
        }
        guardBuckets[b].increment();
        guardNanos.add(nanos);
    }

    void engine(String model, Supplier<int[]> state) {
        engines.put(model, state);
    }

    /** The Prometheus text exposition. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP jllm_requests_total HTTP requests answered, by endpoint and status.\n");
        sb.append("# TYPE jllm_requests_total counter\n");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] k = e.getKey().split("\u0000");
            sb.append("jllm_requests_total{endpoint=\"").append(k[0]).append("\",status=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        });
        counter(sb, "jllm_prompt_tokens_total", "Prompt tokens received.", promptTokens.sum());
        counter(sb, "jllm_completion_tokens_total", "Tokens generated.", completionTokens.sum());
        double seconds = generateNanos.sum() / 1e9;
        sb.append("# HELP jllm_generation_seconds_total Time requests spent generating (summed over requests).\n");
        sb.append("# TYPE jllm_generation_seconds_total counter\njllm_generation_seconds_total ").append(seconds).append('\n');
        sb.append("# HELP jllm_tokens_per_second Generated tokens per second of generation time, per request, averaged.\n");
        sb.append("# TYPE jllm_tokens_per_second gauge\njllm_tokens_per_second ")
                .append(seconds == 0 ? 0 : completionTokens.sum() / seconds).append('\n');
        sb.append("# HELP jllm_queue_depth Requests waiting for a slot.\n# TYPE jllm_queue_depth gauge\n");
        engines.forEach((m, s) -> sb.append("jllm_queue_depth{model=\"").append(m).append("\"} ").append(s.get()[0]).append('\n'));
        sb.append("# HELP jllm_slots_busy Slots generating.\n# TYPE jllm_slots_busy gauge\n");
        engines.forEach((m, s) -> sb.append("jllm_slots_busy{model=\"").append(m).append("\"} ").append(s.get()[1]).append('\n'));
        sb.append("# HELP jllm_slots Slots in all.\n# TYPE jllm_slots gauge\n");
        engines.forEach((m, s) -> sb.append("jllm_slots{model=\"").append(m).append("\"} ").append(s.get()[2]).append('\n'));
        guard(sb);
        return sb.toString();
    }

    private void guard(StringBuilder sb) {
        sb.append("# HELP jllm_guard_screened_total Texts the guard screened, by role (user, tool, prompt).\n");
        sb.append("# TYPE jllm_guard_screened_total counter\n");
        new java.util.TreeMap<>(guardScreened).forEach((r, n) -> sb.append("jllm_guard_screened_total{role=\"").append(r)
                .append("\"} ").append(n.sum()).append('\n'));
        sb.append("# HELP jllm_guard_flagged_total Texts the guard flagged (their requests refused), by role.\n");
        sb.append("# TYPE jllm_guard_flagged_total counter\n");
        new java.util.TreeMap<>(guardFlagged).forEach((r, n) -> sb.append("jllm_guard_flagged_total{role=\"").append(r)
                .append("\"} ").append(n.sum()).append('\n'));
        sb.append("# HELP jllm_guard_seconds Time the guard added to a request (all its screened texts).\n");
        sb.append("# TYPE jllm_guard_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < guardBuckets.length; i++) {
            cumulative += guardBuckets[i].sum();
            String le = i < GUARD_BUCKETS.length ? String.valueOf(GUARD_BUCKETS[i]) : "+Inf";
            sb.append("jllm_guard_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        sb.append("jllm_guard_seconds_sum ").append(guardNanos.sum() / 1e9).append('\n');
        sb.append("jllm_guard_seconds_count ").append(cumulative).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }
}
