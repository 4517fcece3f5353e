package jllm.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.format.json.Json;
import jllm.generate.grammar.Gbnf;
import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarEngine;
import jllm.generate.grammar.GrammarException;
import jllm.generate.grammar.GrammarMatcher;
import jllm.generate.grammar.TokenTrie;
import jllm.generate.schema.SchemaBench;
import jllm.generate.schema.SchemaException;
import jllm.generate.schema.SchemaGrammar;
import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jllm grammar test|bench}: walk grammar masks over texts, or run JSONSchemaBench. */
@Command(name = "grammar", description = "Constrained decoding: test texts against a grammar, or run the JSON Schema benchmark.",
        subcommands = {GrammarCommand.Test.class, GrammarCommand.Bench.class})
final class GrammarCommand {

    /** Exit status when the schema or grammar cannot be compiled. */
    static final int UNSUPPORTED = 3;

    /** Where the grammar comes from: exactly one. */
    static final class Source {
        @Option(names = "--json-schema", paramLabel = "FILE", required = true, description = "A JSON Schema file.")
        Path schema;

        @Option(names = "--grammar-file", paramLabel = "FILE", required = true, description = "A GBNF grammar file (llama.cpp's notation).")
        Path gbnf;

        /** The compiled grammar; a SchemaException or GrammarException when it cannot be. */
        Grammar compile() throws java.io.IOException {
            return schema != null ? SchemaGrammar.compile(Json.parse(InputFiles.readString(schema, "a JSON Schema file"), schema.toString()))
                    : Gbnf.parse(InputFiles.readString(gbnf, "a GBNF grammar file"));
        }
    }

    /** A tokenizer from a model file or folder, a vocabulary-only GGUF, or a tokenizer.json. */
    static Tokenizer tokenizer(Path p) {
        Path json = Files.isDirectory(p) && Files.exists(p.resolve("tokenizer.json")) ? p.resolve("tokenizer.json")
                : p.toString().endsWith(".json") ? p : null;
        if (json != null) {
            Path config = json.resolveSibling("tokenizer_config.json");
            return Tokenizers.fromHuggingFace(json, Files.exists(config) ? Optional.of(config) : Optional.empty());
        }
        return LoadedModel.openTokenizerOnly(p, Optional.empty());
    }

    @Command(name = "test", description = "Walk the grammar's token masks over each instance: prints 'accepted' or "
            + "'rejected at token K' per instance (exit 0); a schema it cannot compile prints 'unsupported: ...' (exit 3).")
    static final class Test implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--tokenizer", paramLabel = "MODEL_OR_VOCAB", required = true,
                description = "Model file or folder, vocabulary-only GGUF, or tokenizer.json.")
        Path tokenizer;

        @Parameters(paramLabel = "INSTANCE", arity = "1..*", description = "Texts to walk (JSON text for a schema).")
        List<String> instances;

        @Option(names = "--verbose", description = "Show stack traces on errors.")
        boolean verbose;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Grammar g;
            try {
                g = source.compile();
            } catch (SchemaException | GrammarException e) {
                PrintWriter err = spec.commandLine().getErr();
                String m = e.getMessage();
                err.println(m.startsWith("unsupported: ") ? m : "unsupported: " + m);
                err.flush();
                return UNSUPPORTED;
            }
            Tokenizer tok = tokenizer(tokenizer);
            GrammarEngine engine = new GrammarEngine(g, TokenTrie.of(tok));
            for (String text : instances) {
                int[] ids = tok.encode(text, false, false);
                GrammarMatcher m = engine.matcher();
                int k = SchemaBench.walk(m, ids, null);
                String line = k >= 0 ? "rejected at token " + k
                        : m.accepting() ? "accepted" : "rejected at token " + ids.length + " (the text is incomplete)";
                Console.out().println(line);
            }
            Console.out().flush();
            return 0;
        }
    }

    @Command(name = "bench", description = "JSONSchemaBench as maskbench counts it: passing schemas, compile errors by "
            + "feature, valid instances rejected, invalid ones accepted; mask and compile times.")
    static final class Bench implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "Folder of maskbench schema files.")
        Path dir;

        @Option(names = "--tokenizer", paramLabel = "MODEL_OR_VOCAB", required = true,
                description = "Model file or folder, vocabulary-only GGUF, or tokenizer.json (maskbench uses Llama 3.1's).")
        Path tokenizer;

        @Option(names = "--time-limit", paramLabel = "MS", description = "Walk time allowed per schema (default: ${DEFAULT-VALUE}).")
        long timeLimit = 20_000;

        @Option(names = "--every", paramLabel = "N", description = "Run every N-th schema file only (default: ${DEFAULT-VALUE}, all).")
        int every = 1;

        @Option(names = "--failures", description = "List each schema that did not pass, with why.")
        boolean failures;

        @Option(names = "--verbose", description = "Show stack traces on errors.")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            Tokenizer tok = tokenizer(tokenizer);
            if (every < 1) {
                throw new IllegalArgumentException("--every must be at least 1, got " + every);
            }
            List<Path> all = SchemaBench.files(dir);
            List<Path> files = java.util.stream.IntStream.range(0, all.size()).filter(i -> i % every == 0).mapToObj(all::get).toList();
            long t0 = System.nanoTime();
            SchemaBench.Result r = SchemaBench.run(files, tok, timeLimit);
            long n = r.files().size();
            java.io.PrintStream out = Console.out();
            out.printf("schemas %d, passing %d (%.1f%%), compile errors %d, validation errors (valid rejected) %d, "
                            + "invalidation errors (invalid accepted) %d%n", n, r.passing(), 100.0 * r.passing() / n,
                    r.compileErrors(), r.validationErrors(), r.invalidationErrors());
            out.printf("masks %d: mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us%n", r.maskNanos().length,
                    r.maskMeanMicros(), r.maskQuantileMicros(0.5), r.maskQuantileMicros(0.99), r.maskQuantileMicros(1.0));
            out.printf("compile (schemas that compiled): mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    r.compileMeanMillis(), r.compileQuantileMillis(0.5), r.compileQuantileMillis(0.99), r.compileQuantileMillis(1.0));
            out.println("compile errors by feature:");
            r.unsupportedBy().entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                    .forEach(e -> out.printf("  %5d  %s%n", e.getValue(), e.getKey()));
            if (failures) {
                r.files().stream().filter(f -> !f.passed()).forEach(f -> out.println("  " + f.file() + ": "
                        + (f.compileError() != null ? f.compileError() : f.validRejected() + " valid rejected, " + f.invalidAccepted() + " invalid accepted")));
            }
            out.printf("(%.0f s)%n", (System.nanoTime() - t0) / 1e9);
            out.flush();
            return 0;
        }
    }
}
