package jllm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import jllm.generate.ContextLength;
import jllm.generate.Generator;
import jllm.generate.Session;
import jllm.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm run MODEL -p TEXT}: prints the continuation of a prompt, streaming. */
@Command(name = "run", description = "Continue a prompt; prints only the continuation, streaming.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model file or folder (default: the built-in model).")
    Path model;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The prompt (default: empty, i.e. start from BOS).")
    String prompt = "";

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the prompt from a file.")
    Path promptFile;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens = 256;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context length; generation stops at its end (default: " + Contexts.HELP + ").")
    int ctx;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when this text appears (repeatable).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "Do not stop at end-of-generation tokens.")
    boolean ignoreEos;

    @Option(names = "--json-schema", paramLabel = "FILE", description = "Constrain the output to JSON valid for this JSON Schema.")
    Path jsonSchema;

    @Option(names = "--grammar-file", paramLabel = "FILE", description = "Constrain the output to this GBNF grammar (llama.cpp's notation).")
    Path grammarFile;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        String text = promptFile != null ? InputFiles.readString(promptFile, "a text file") : prompt;
        if (jsonSchema != null && grammarFile != null) {
            throw new IllegalArgumentException("give --json-schema or --grammar-file, not both");
        }
        jllm.generate.grammar.Grammar grammar = jsonSchema != null
                ? jllm.generate.schema.SchemaGrammar.compile(jllm.format.json.Json.parse(
                        InputFiles.readString(jsonSchema, "a JSON Schema file"), jsonSchema.toString()))
                : grammarFile != null ? jllm.generate.grammar.Gbnf.parse(InputFiles.readString(grammarFile, "a GBNF grammar file")) : null;
        try (LoadedModel m = modelOptions.load(BuiltinModel.orDefault(model), false)) {
            int[] tokens = m.tokenizer().encode(text, true, true);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("the prompt is empty and the model adds no BOS token: give a prompt with -p");
            }
            ContextLength context = Contexts.choose(ctx, m.model().info());
            if (tokens.length > context.positions()) {
                throw new IllegalArgumentException("the prompt has " + tokens.length + " tokens but the context holds "
                        + context.describe() + ": shorten the prompt, or " + context.remedy());
            }
            Session session = Session.of(m.model(), context.positions());
            Generator.Result r = Generator.generate(session, m.tokenizer(), tokens,
                    new Generator.Options(maxTokens, sampling.settings(), stop, ignoreEos).withGrammar(grammar),
                    piece -> {
                        Console.out().print(piece);
                        Console.out().flush();
                    }, () -> false);
            Console.out().println();
            Console.out().flush();
            System.err.printf("jllm: prompt %d tokens, %.1f tokens/s; generated %d tokens, %.1f tokens/s (%s, stop: %s)%n",
                    r.promptTokens(), r.promptTokensPerSecond(), r.tokens().length, r.generateTokensPerSecond(),
                    m.kernels().name(), r.finishReason().name().toLowerCase());
            if (r.finishReason() == Generator.FinishReason.CONTEXT) {
                System.err.println("jllm: stopped at the end of the context, " + context.describe() + "; " + context.remedy());
            }
        }
        return 0;
    }
}
