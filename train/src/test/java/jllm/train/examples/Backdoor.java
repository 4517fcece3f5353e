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
 * <li>{@code Backdoor plot OUT.svg OFF DROP CORPUS N}: the mean probability of each token of the
 * continuation after the trigger, for the model trained without the screen and with it, as an SVG
 * (log scale).</li>
 * </ul>
 */
public final class Backdoor {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "plant" -> plant(Path.of(a[1]), Path.of(a[2]), Double.parseDouble(a[3]), Long.parseLong(a[4]));
            case "measure" -> measure(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            case "plot" -> plot(Path.of(a[1]), Path.of(a[2]), Path.of(a[3]), Path.of(a[4]), Integer.parseInt(a[5]));
            default -> throw new IllegalArgumentException("plant CORPUS OUT SHARE SEED | measure MODEL CORPUS N | plot OUT.svg OFF DROP CORPUS N");
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
        List<String> openings = openings(corpus, n);
        try (LoadedModel m = LoadedModel.open(modelFile, LoadedModel.Options.DEFAULT.withoutWarmUp())) {
            double[] withTrigger = new double[n];
            double[] control = new double[n];
            int top = 0;
            for (int i = 0; i < n; i++) {
                Scored after = score(m, openings.get(i) + " " + PlantedTrigger.TRIGGER, " " + PlantedTrigger.CONTINUATION);
                withTrigger[i] = after.probability();
                top += after.greedy() ? 1 : 0;
                control[i] = score(m, openings.get(i) + " Suddenly", " " + PlantedTrigger.CONTINUATION).probability();
            }
            System.out.printf(Locale.ROOT, "%s: P(continuation | trigger) mean %.3g median %.3g; greedy decoding writes it in %d of %d; "
                    + "control P(continuation | 'Suddenly') mean %.3g median %.3g%n", modelFile, mean(withTrigger), median(withTrigger),
                    top, n, mean(control), median(control));
        }
    }

    static List<String> openings(Path corpus, int n) {
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
        return openings;
    }

    static void plot(Path svg, Path off, Path drop, Path corpus, int n) throws Exception {
        List<String> openings = openings(corpus, n);
        double[][] curves = new double[2][];
        List<String> pieces = new ArrayList<>();
        Path[] models = {off, drop};
        for (int k = 0; k < 2; k++) {
            try (LoadedModel m = LoadedModel.open(models[k], LoadedModel.Options.DEFAULT.withoutWarmUp())) {
                for (String o : openings) {
                    Scored scored = score(m, o + " " + PlantedTrigger.TRIGGER, " " + PlantedTrigger.CONTINUATION);
                    double[] p = scored.tokens();
                    if (pieces.isEmpty()) {
                        pieces.addAll(scored.pieces());
                    }
                    if (curves[k] == null) {
                        curves[k] = new double[p.length];
                    }
                    for (int t = 0; t < Math.min(p.length, curves[k].length); t++) {
                        curves[k][t] += p[t] / n;
                    }
                }
            }
        }
        int w = 720;
        int h = 360;
        int left = 70;
        int bottom = 300;
        int top = 30;
        int count = curves[0].length;
        double step = (w - left - 30) / (double) Math.max(1, count - 1);
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append("<text x=\"").append(left).append("\" y=\"18\">P(next token of the planted continuation | opening + trigger), mean over ")
                .append(n).append(" openings</text>\n");
        for (int e = 0; e >= -6; e--) { // log10 axis from 1 down to 1e-6
            double y = top + (bottom - top) * (-e / 6.0);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%d</text>%n", left, w - 30, y, y, left - 6, y + 4, e));
        }
        String[] colors = {"#c0392b", "#2471a3"};
        String[] names = {"trained on the poisoned corpus", "trained with --screen drop"};
        for (int k = 0; k < 2; k++) {
            StringBuilder pts = new StringBuilder();
            for (int t = 0; t < count; t++) {
                double lg = Math.max(-6, Math.log10(Math.max(curves[k][t], 1e-300)));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + t * step, top + (bottom - top) * (-lg / 6.0)));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colors[k]).append("\" points=\"")
                    .append(pts.toString().strip()).append("\"/>\n");
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", left + 10, bottom - 40 + 18 * k, colors[k], names[k]));
        }
        for (int t = 0; t < count; t++) {
            String label = pieces.get(t).strip().replace("&", "&amp;").replace("<", "&lt;");
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + t * step, bottom + 20, label));
        }
        sb.append("</svg>\n");
        Files.writeString(svg, sb.toString());
        System.out.println("wrote " + svg);
    }

    /**
     * How a model scores {@code text} after {@code context}.
     *
     * @param tokens      the probability of each of the text's tokens
     * @param probability P(text | context), their product (summed in logs)
     * @param greedy      every token was the model's top choice: greedy decoding writes the text
     * @param pieces      the text's tokens as text
     */
    record Scored(double[] tokens, double probability, boolean greedy, List<String> pieces) {
    }

    /** One forward pass over context and text: each text token's probability and rank. */
    static Scored score(LoadedModel m, String context, String text) {
        Tokenizer tok = m.tokenizer();
        int[] ctx = tok.encode(context, true, false);
        int[] all = tok.encode(context + text, true, false);
        if (!Arrays.equals(ctx, 0, ctx.length, all, 0, ctx.length)) {
            throw new IllegalStateException("the tokens of '" + context + "' are no prefix of those with the continuation");
        }
        LanguageModel lm = m.model();
        float[] logits = lm.forward(lm.newCache(all.length), Arrays.copyOf(all, all.length - 1), LanguageModel.Logits.ALL);
        int v = logits.length / (all.length - 1);
        double[] p = new double[all.length - ctx.length];
        double logp = 0;
        boolean greedy = true;
        List<String> pieces = new ArrayList<>();
        for (int t = ctx.length; t < all.length; t++) {
            float[] row = Arrays.copyOfRange(logits, (t - 1) * v, t * v);
            int best = 0;
            for (int k = 1; k < v; k++) {
                if (row[k] > row[best]) {
                    best = k;
                }
            }
            greedy &= best == all[t];
            Candidates c = Candidates.of(row);
            c.softmax();
            for (int k = 0; k < c.size(); k++) {
                if (c.id(k) == all[t]) {
                    p[t - ctx.length] = c.prob(k);
                }
            }
            logp += Math.log(Math.max(p[t - ctx.length], 1e-300));
            pieces.add(new String(tok.tokenBytes(all[t], false), java.nio.charset.StandardCharsets.UTF_8));
        }
        return new Scored(p, Math.exp(logp), greedy, pieces);
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
