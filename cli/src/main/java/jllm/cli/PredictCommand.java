package jllm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import jllm.generate.Candidates;
import jllm.model.LanguageModel;
import jllm.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm predict MODEL TEXT}: the most likely next tokens and their probabilities. */
@Command(name = "predict", description = "Show what the model predicts next: one line per candidate token, token<TAB>probability, best first.")
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file or folder.")
    Path model;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The text to continue.")
    String text;

    @Option(names = {"-k", "--top"}, paramLabel = "K", description = "How many candidates (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        if (k <= 0) {
            throw new IllegalArgumentException("-k must be positive, got " + k);
        }
        try (LoadedModel m = modelOptions.load(model, false)) {
            int[] tokens = m.tokenizer().encode(text, true, true);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("the text is empty and the model adds no BOS token");
            }
            LanguageModel lm = m.model();
            float[] logits = lm.forward(lm.newCache(Math.max(tokens.length, 1)), tokens, LanguageModel.Logits.LAST);
            Candidates c = Candidates.of(logits);
            c.softmax();
            c.truncate(k);
            for (int i = 0; i < c.size(); i++) {
                String piece = new String(m.tokenizer().tokenBytes(c.id(i), true), StandardCharsets.UTF_8);
                Console.out().printf("%s\t%.4f%n", Pieces.visible(piece), c.prob(i));
            }
            Console.out().flush();
        }
        return 0;
    }
}
