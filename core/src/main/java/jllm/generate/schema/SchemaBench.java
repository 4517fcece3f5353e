package jllm.generate.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import jllm.format.json.Json;
import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarEngine;
import jllm.generate.grammar.GrammarException;
import jllm.generate.grammar.GrammarMatcher;
import jllm.generate.grammar.TokenTrie;
import jllm.tokenizer.Tokenizer;

/**
 * JSONSchemaBench's mask benchmark, counted as maskbench counts it: per schema file
 * ({@code {schema, tests: [{data, valid}]}}), compile the schema; write each test's data as Python's
 * {@code json.dumps(data, ensure_ascii=False)} does, tokenize it, and walk it token by token, computing
 * the mask before each token and stopping at the first token the mask refuses. A schema passes when it
 * compiled, every valid instance went through and every invalid one was refused at some token.
 *
 * <pre>{@code
 * SchemaBench.Result r = SchemaBench.run(files, tokenizer, 10_000);
 * }</pre>
 */
public final class SchemaBench {
    private SchemaBench() {
    }

    /** The outcome of one schema file. */
    public record FileResult(String file, String compileError, List<String> unsupported, int validRejected,
                             int invalidAccepted, long compileNanos, int tests) {
        public boolean passed() {
            return compileError == null && validRejected == 0 && invalidAccepted == 0;
        }
    }

    /**
     * @param files          every file's outcome
     * @param maskNanos      every mask's time, in order
     * @param unsupportedBy  compile errors by unsupported keyword (a schema counts once per keyword)
     */
    public record Result(List<FileResult> files, long[] maskNanos, Map<String, Integer> unsupportedBy) {
        public long passing() {
            return files.stream().filter(FileResult::passed).count();
        }

        public long compileErrors() {
            return files.stream().filter(f -> f.compileError() != null).count();
        }

        /** Schemas that compiled but rejected a valid instance. */
        public long validationErrors() {
            return files.stream().filter(f -> f.compileError() == null && f.validRejected() > 0).count();
        }

        /** Schemas that compiled but accepted an invalid instance. */
        public long invalidationErrors() {
            return files.stream().filter(f -> f.compileError() == null && f.invalidAccepted() > 0).count();
        }

        public double maskMeanMicros() {
            return maskNanos.length == 0 ? 0 : Arrays.stream(maskNanos).average().orElse(0) / 1e3;
        }

        /** The q-quantile of mask time in microseconds. */
        public double maskQuantileMicros(double q) {
            if (maskNanos.length == 0) {
                return 0;
            }
            long[] s = maskNanos.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))] / 1e3;
        }

        /** The q-quantile of compile time (schemas that compiled) in milliseconds. */
        public double compileQuantileMillis(double q) {
            long[] s = files.stream().filter(f -> f.compileError() == null).mapToLong(FileResult::compileNanos).sorted().toArray();
            return s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) Math.floor(q * s.length))] / 1e6;
        }

        public double compileMeanMillis() {
            return files.stream().filter(f -> f.compileError() == null).mapToLong(FileResult::compileNanos).average().orElse(0) / 1e6;
        }
    }

    /** The schema files in a folder, sorted. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().equals("SOURCE.json")).sorted().toList();
        }
    }

    /** Runs the benchmark; {@code timeLimitMillis} bounds each schema's walk (then it counts as an error). */
    public static Result run(List<Path> files, Tokenizer tokenizer, long timeLimitMillis) throws IOException {
        TokenTrie trie = TokenTrie.of(tokenizer);
        List<FileResult> out = new ArrayList<>();
        LongList masks = new LongList();
        Map<String, Integer> by = new TreeMap<>();
        for (Path f : files) {
            FileResult r = runOne(f, tokenizer, trie, timeLimitMillis, masks);
            out.add(r);
            for (String k : r.unsupported()) {
                by.merge(k, 1, Integer::sum);
            }
        }
        return new Result(out, masks.toArray(), by);
    }

    @SuppressWarnings("unchecked")
    static FileResult runOne(Path f, Tokenizer tokenizer, TokenTrie trie, long timeLimitMillis, LongList masks) throws IOException {
        Map<String, Object> doc = Json.parseObject(Files.readString(f), f.toString());
        List<Object> tests = doc.get("tests") instanceof List<?> l ? (List<Object>) l : List.of();
        String name = f.getFileName().toString();
        long t0 = System.nanoTime();
        Grammar g;
        GrammarEngine engine;
        try {
            g = SchemaGrammar.compile(doc.get("schema"));
            engine = new GrammarEngine(g, trie);
        } catch (UnsupportedSchemaException e) {
            return new FileResult(name, e.getMessage(), e.keywords().stream().map(SchemaBench::keywordOf).distinct().toList(), 0, 0, 0, tests.size());
        } catch (SchemaException | GrammarException | StackOverflowError e) {
            String m = e instanceof StackOverflowError ? "stack overflow" : e.getMessage();
            return new FileResult(name, m, List.of(keywordOf(m)), 0, 0, 0, tests.size());
        }
        long compile = System.nanoTime() - t0;
        int validRejected = 0;
        int invalidAccepted = 0;
        long deadline = System.currentTimeMillis() + timeLimitMillis;
        for (Object to : tests) {
            Map<String, Object> t = (Map<String, Object>) to;
            boolean valid = Boolean.TRUE.equals(t.get("valid"));
            String text = PythonJson.dumps(t.get("data"));
            int[] ids = tokenizer.encode(text, false, false);
            boolean accepted;
            try {
                accepted = walk(engine.matcher(), ids, masks) < 0;
            } catch (GrammarException e) {
                // the engine gave up (a parse budget): an error of the schema, not a refusal of the instance
                return new FileResult(name, e.getMessage(), List.of(keywordOf(e.getMessage())), validRejected, invalidAccepted, compile, tests.size());
            }
            if (valid && !accepted) {
                validRejected++;
            } else if (!valid && accepted) {
                invalidAccepted++;
            }
            if (System.currentTimeMillis() > deadline) {
                return new FileResult(name, "timeout", List.of("timeout"), validRejected, invalidAccepted, compile, tests.size());
            }
        }
        return new FileResult(name, null, List.of(), validRejected, invalidAccepted, compile, tests.size());
    }

    /** Walks the tokens; the index of the first refused token, or -1 when all went through. */
    public static int walk(GrammarMatcher m, int[] ids, LongList masks) {
        for (int k = 0; k < ids.length; k++) {
            long t = System.nanoTime();
            long[] mask = m.mask();
            int id = ids[k];
            boolean ok = (mask[id >> 6] >>> (id & 63) & 1) != 0;
            if (ok) {
                m.advance(id);
            }
            if (masks != null) {
                masks.add(System.nanoTime() - t);
            }
            if (!ok) {
                return k;
            }
        }
        return -1;
    }

    /** The keyword an "unsupported: ..." entry is about (its first word). */
    private static String keywordOf(String entry) {
        if (entry == null) {
            return "?";
        }
        String e = entry.startsWith("unsupported: ") ? entry.substring(13) : entry;
        if (e.contains("too ambiguous")) {
            return "too ambiguous (a parse bound)";
        }
        if (e.startsWith("pattern ") && e.contains(": ")) {
            return "pattern: " + e.substring(e.indexOf(": ") + 2).replaceAll(" at offset \\d+", "");
        }
        return e.length() > 60 ? e.substring(0, 60) : e;
    }

    /** A growable list of longs. */
    public static final class LongList {
        private long[] a = new long[1024];
        private int n;

        public void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        public long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
