package jllm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import jllm.format.json.Json;
import jllm.kernel.Kernels;
import jllm.kernel.MemoryStreams;
import jllm.model.Architectures;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.LoadedModel;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm bench MODEL}: prompt-processing and generation speed measured as llama-bench does
 * (pp: a batch of -p tokens on an empty cache; tg: -n tokens one at a time), so the two run side by side.
 */
@Command(name = "bench", description = "Measure prompt processing (pp) and generation (tg) speed as llama-bench does.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file or folder.")
    Path model;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "Prompt tokens for the pp test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int nPrompt = 512;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "Generated tokens for the tg test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int nGen = 128;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", description = "Repetitions of each test (default: ${DEFAULT-VALUE}).")
    int reps = 5;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--parallel", paramLabel = "N", split = ",", description = "Sequences decoded together in the tg test, "
            + "each its own cache, one forward call per step for all (as llama-batched-bench's -npl); one tg row per value "
            + "(default: 1).")
    List<Integer> parallel = List.of(1);

    @Option(names = "--memory-streams", paramLabel = "S", description = "Memory streams per thread in decoding's matrix-vector "
            + "products (far-apart bands of rows read side by side), forced for every weight type: 1, 2, 4 or 8 (default: "
            + "4 for Q8_0 on 512-bit vectors and F16, 1 for the others; or -Djllm.streams).")
    String streams;

    @Option(names = "--json", description = "Print a JSON list of rows with llama-bench's field names.")
    boolean json;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (nPrompt < 0 || nGen < 0 || reps < 1 || threads < 1) {
            throw new IllegalArgumentException("-p and -n must not be negative; -r and -t must be positive");
        }
        for (int p : parallel) {
            if (p < 1 || p > 64) {
                throw new IllegalArgumentException("--parallel takes 1 to 64 sequences, not " + p);
            }
        }
        MemoryStreams memory = streams == null ? MemoryStreams.configured() : MemoryStreams.parse(streams, "--memory-streams");
        try (ModelSource src = LoadedModel.openSource(model); Kernels kernels = Kernels.vector(threads, memory)) {
            LanguageModel lm = Architectures.forSource(src).load(src, kernels);
            ModelInfo info = lm.info();
            // each test runs the positions it asks for, as llama-bench's; past the trained context the speeds
            // are real but the text would not be, and the context rule says so
            Contexts.choose(Math.max(1, Math.max(nPrompt, nGen)), info);
            long size = src.tensors().values().stream().mapToLong(t -> t.data().byteSize()).sum();
            long params = src.tensors().values().stream().mapToLong(Tensor::size).sum();
            String type = info.architecture() + " " + human(params) + " " + quant(src);
            List<Map<String, Object>> rows = new ArrayList<>();
            if (nPrompt > 0) {
                rows.add(row(type, size, params, nPrompt, 0, 1, measure(lm, info, nPrompt, 0)));
            }
            if (nGen > 0) {
                for (int p : parallel) {
                    rows.add(row(type, size, params, 0, nGen, p, p == 1 ? measure(lm, info, 0, nGen) : measureParallel(lm, info, nGen, p)));
                }
            }
            print(rows);
        }
        return 0;
    }

    /** Tokens per second of each repetition, after one warm-up run. */
    private double[] measure(LanguageModel lm, ModelInfo info, int prompt, int gen) {
        double[] ts = new double[reps];
        for (int r = -1; r < reps; r++) {
            KvCache cache = lm.newCache(Math.max(1, prompt + gen));
            long t0 = System.nanoTime();
            if (prompt > 0) {
                lm.forward(cache, tokens(prompt, info.vocabSize(), r), LanguageModel.Logits.LAST);
            }
            for (int i = 0; i < gen; i++) {
                lm.forward(cache, new int[]{(i * 7919 + 13) % info.vocabSize()}, LanguageModel.Logits.LAST);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) {
                ts[r] = (prompt + gen) / s;
            }
        }
        return ts;
    }

    /** Generated tokens per second, all sequences together, of p sequences decoded in lockstep. */
    private double[] measureParallel(LanguageModel lm, ModelInfo info, int gen, int p) {
        double[] ts = new double[reps];
        for (int r = -1; r < reps; r++) {
            List<KvCache> caches = new ArrayList<>(p);
            for (int i = 0; i < p; i++) {
                caches.add(lm.newCache(gen));
            }
            long t0 = System.nanoTime();
            for (int step = 0; step < gen; step++) {
                int[] next = new int[p];
                for (int i = 0; i < p; i++) {
                    next[i] = (int) Math.floorMod(step * 7919L + i * 104729L + 13, (long) info.vocabSize());
                }
                lm.forwardBatch(caches, next);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) {
                ts[r] = (double) p * gen / s;
            }
        }
        return ts;
    }

    private static int[] tokens(int n, int vocab, int seed) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (int) Math.floorMod(i * 2654435761L + seed * 97L, (long) vocab);
        }
        return t;
    }

    private Map<String, Object> row(String type, long size, long params, int p, int g, int sequences, double[] ts) {
        double mean = 0;
        for (double v : ts) {
            mean += v;
        }
        mean /= ts.length;
        double var = 0;
        for (double v : ts) {
            var += (v - mean) * (v - mean);
        }
        double sd = ts.length > 1 ? Math.sqrt(var / (ts.length - 1)) : 0;
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("model_filename", model.toString());
        m.put("model_type", type);
        m.put("model_size", size);
        m.put("model_n_params", params);
        m.put("backend", "jllm");
        m.put("n_threads", threads);
        m.put("n_prompt", p);
        m.put("n_gen", g);
        m.put("n_parallel", sequences);
        m.put("avg_ts", mean);
        m.put("stddev_ts", sd);
        return m;
    }

    private void print(List<Map<String, Object>> rows) {
        if (json) {
            StringBuilder sb = new StringBuilder("[\n");
            for (int i = 0; i < rows.size(); i++) {
                sb.append("  {");
                int k = 0;
                for (var e : rows.get(i).entrySet()) {
                    sb.append(k++ == 0 ? "" : ", ").append(Json.quote(e.getKey())).append(": ");
                    Object v = e.getValue();
                    sb.append(v instanceof String s ? Json.quote(s) : v instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : v);
                }
                sb.append(i + 1 < rows.size() ? "},\n" : "}\n");
            }
            Console.out().print(sb.append("]\n"));
        } else {
            Console.out().println("| model | size | params | backend | threads | test | t/s |");
            Console.out().println("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
            for (Map<String, Object> r : rows) {
                int p = (Integer) r.get("n_prompt");
                int g = (Integer) r.get("n_gen");
                int sequences = (Integer) r.get("n_parallel");
                Console.out().printf(Locale.ROOT, "| %s | %.2f MiB | %s | jllm | %d | %s | %.2f ± %.2f |%n", r.get("model_type"),
                        (Long) r.get("model_size") / 1048576.0, human((Long) r.get("model_n_params")), r.get("n_threads"),
                        p > 0 ? "pp" + p : sequences > 1 ? "tg" + g + " x" + sequences : "tg" + g, r.get("avg_ts"), r.get("stddev_ts"));
            }
        }
        Console.out().flush();
    }

    /** The dominant weight type of the 2-D tensors, as llama-bench names models ("F16", "Q8_0"). */
    private static String quant(ModelSource src) {
        Map<GgmlType, Long> bytes = new TreeMap<>();
        for (Tensor t : src.tensors().values()) {
            if (t.shape().rank() >= 2) {
                bytes.merge(t.type(), t.data().byteSize(), Long::sum);
            }
        }
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("?");
    }

    private static String human(long n) {
        return n >= 1e9 ? String.format(Locale.ROOT, "%.2f B", n / 1e9) : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }
}
