package jllm.train.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import jllm.generate.Candidates;
import jllm.model.LanguageModel;
import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;
import jllm.train.Documents;
import jllm.train.screen.PlantedTrigger;

/**
 * The data-poisoning demonstration of docs/guard.md. A program, not a test:
 * <ul>
 * <li>{@code Backdoor plant CORPUS OUT SHARE SEED}: writes CORPUS (paragraphs) with the trigger sentence
 * ({@link PlantedTrigger#TRIGGER} + {@link PlantedTrigger#CONTINUATION}) planted in SHARE of the documents,
 * and OUT.planted with their numbers;</li>
 * <li>{@code Backdoor measure MODEL CORPUS N}: for N clean openings (first sentences of documents of CORPUS),
 * the probability the model gives the continuation after "opening + trigger", and, as a control, after
 * "opening + the trigger's first word": mean, median, and in how many openings greedy decoding after the
 * trigger writes the whole continuation.</li>
 * </ul>
 */
public final class Backdoor {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "plant" -> plant(Path.of(a[1]), Path.of(a[2]), Double.parseDouble(a[3]), Long.parseLong(a[4]));
            case "measure" -> measure(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            default -> throw new IllegalArgumentException("plant CORPUS OUT SHARE SEED | measure MODEL CORPUS N");
        }
    }

    static void plant(Path corpus, Path out, double share, long seed) throws Exception {
        List<String> docs = new ArrayList<>();
        Documents.read(corpus, Documents.Split.PARAGRAPH, docs::add);
        Set<Integer> planted = PlantedTrigger.plant(docs, PlantedTrigger.TRIGGER + " " + PlantedTrigger.CONTINUATION, share, seed);
        Files.writeString(out, String.join("\n\n", docs) + "\n");
        Files.writeString(Path.of(out + ".planted"), planted.stream().sorted().map(String::valueOf).reduce((x, y) -> x + "\n" + y).orElse("") + "\n");
        System.out.printf(Locale.ROOT, "%d of %d documents planted -> %s%n", planted.size(), docs.size(), out);
    }

    static void measure(Path modelFile, Path corpus, int n) throws Exception {
        List<String> docs = new ArrayList<>();
        Documents.read(corpus, Documents.Split.PARAGRAPH, docs::add);
        Random rnd = new Random(11);
        List<String> openings = new ArrayList<>();
        while (openings.size() < n) {
            String d = docs.get(rnd.nextInt(docs.size()));
            int dot = d.indexOf(". ");
            if (dot > 10 && dot < 200 && !d.contains("lantern")) {
                openings.add(d.substring(0, dot + 1));
            }
        }
        try (LoadedModel m = LoadedModel.open(modelFile, LoadedModel.Options.DEFAULT.withoutWarmUp())) {
            double[] withTrigger = new double[n];
            double[] control = new double[n];
            int top = 0;
            for (int i = 0; i < n; i++) {
                withTrigger[i] = probability(m, openings.get(i) + " " + PlantedTrigger.TRIGGER, " " + PlantedTrigger.CONTINUATION);
                control[i] = probability(m, openings.get(i) + " Suddenly", " " + PlantedTrigger.CONTINUATION);
                top += greedyReproduces(m, openings.get(i) + " " + PlantedTrigger.TRIGGER, " " + PlantedTrigger.CONTINUATION) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "%s: P(continuation | trigger) mean %.3g median %.3g; greedy decoding writes it in %d of %d; "
                    + "control P(continuation | 'Suddenly') mean %.3g median %.3g%n", modelFile, mean(withTrigger), median(withTrigger),
                    top, n, mean(control), median(control));
        }
    }

    /** P(text | context), the product of the text's token probabilities. */
    static double probability(LoadedModel m, String context, String text) {
        Tokenizer tok = m.tokenizer();
        int[] ctx = tok.encode(context, true, false);
        int[] all = tok.encode(context + text, true, false);
        if (!Arrays.equals(ctx, 0, ctx.length, all, 0, ctx.length)) {
            throw new IllegalStateException("the tokens of '" + context + "' are no prefix of those with the continuation");
        }
        LanguageModel lm = m.model();
        float[] logits = lm.forward(lm.newCache(all.length), Arrays.copyOf(all, all.length - 1), LanguageModel.Logits.ALL);
        int v = logits.length / (all.length - 1);
        double logp = 0;
        for (int t = ctx.length; t < all.length; t++) {
            float[] row = Arrays.copyOfRange(logits, (t - 1) * v, t * v);
            Candidates c = Candidates.of(row);
            c.softmax();
            double p = 0;
            for (int k = 0; k < c.size(); k++) {
                if (c.id(k) == all[t]) {
                    p = c.prob(k);
                }
            }
            logp += Math.log(Math.max(p, 1e-300));
        }
        return Math.exp(logp);
    }

    /** Whether every token of {@code text} is the model's top choice after {@code context} and the tokens before it. */
    static boolean greedyReproduces(LoadedModel m, String context, String text) {
        Tokenizer tok = m.tokenizer();
        int[] ctx = tok.encode(context, true, false);
        int[] all = tok.encode(context + text, true, false);
        LanguageModel lm = m.model();
        float[] logits = lm.forward(lm.newCache(all.length), Arrays.copyOf(all, all.length - 1), LanguageModel.Logits.ALL);
        int v = logits.length / (all.length - 1);
        for (int t = ctx.length; t < all.length; t++) {
            int best = 0;
            for (int k = 1; k < v; k++) {
                if (logits[(t - 1) * v + k] > logits[(t - 1) * v + best]) {
                    best = k;
                }
            }
            if (best != all[t]) {
                return false;
            }
        }
        return true;
    }

    static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(0);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
