package jllm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import jllm.eval.Perplexity;
import jllm.model.LoadedModel;
import jllm.tokenizer.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm perplexity MODEL FILE}: perplexity exactly as llama-perplexity computes it. */
@Command(name = "perplexity", description = "Perplexity of a text file, chunked and scored as llama-perplexity does; the last line is 'PPL = <value>'.")
final class PerplexityCommand implements Callable<Integer> {
    /** llama-perplexity's chunk length. */
    static final int DEFAULT_CHUNK = 512;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file or folder.")
    Path model;

    @Parameters(index = "1", paramLabel = "FILE", description = "Text file.")
    Path file;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Chunk (context) length (default: " + DEFAULT_CHUNK
            + " as llama-perplexity, or the model's trained context when shorter; a longer one is allowed, with a warning: "
            + "rope scaling is not applied past the trained context).")
    int ctx;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        byte[] bytes = InputFiles.readAllBytes(file, "a text file");
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) { // llama-perplexity drops exactly one trailing newline
            text = text.substring(0, text.length() - 1);
        }
        try (LoadedModel m = modelOptions.load(model)) {
            int chunk = ctx != 0 ? Contexts.choose(ctx, m.model().info()).positions()
                    : Math.min(DEFAULT_CHUNK, Contexts.choose(0, m.model().info()).positions());
            Vocabulary v = m.tokenizer().vocabulary();
            int[] tokens = m.tokenizer().encode(text, true, false);
            OptionalInt bos = v.addBos() ? OptionalInt.of(v.bos()) : OptionalInt.empty();
            long t0 = System.nanoTime();
            System.err.printf("jllm: %d tokens, %d chunks of %d%n", tokens.length, tokens.length / chunk, chunk);
            Perplexity.Result r = Perplexity.compute(m.model(), tokens, chunk, bos,
                    c -> System.err.printf("[%d]%.4f,", c.index() + 1, c.runningPpl()));
            System.err.printf("%njllm: Final estimate: PPL = %.4f +/- %.5f (%.1f s)%n", r.ppl(), r.error(), (System.nanoTime() - t0) / 1e9);
            Console.out().printf("PPL = %.4f%n", r.ppl());
            Console.out().flush();
        }
        return 0;
    }
}
