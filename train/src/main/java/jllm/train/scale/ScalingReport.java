package jllm.train.scale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

import jllm.train.plot.Chart;

/**
 * What a sweep found: its runs, the fitted law with bootstrap intervals, the simple power laws, and the
 * held-out prediction against its measurement; written as {@code scaling.json} and three SVG plots
 * ({@code loss-vs-n.svg}, {@code loss-vs-d.svg}, {@code frontier.svg}).
 */
public record ScalingReport(List<ScalingRun> runs, ScalingLaw law, ScalingFit.Bootstrap bootstrap, Sweep.Prediction prediction,
                            ScalingRun holdout) {

    /** The L(N) power laws, one per token count with two or more sizes (N non-embedding). */
    public Map<Long, PowerLaw> lossVsParams() {
        Map<Long, List<Observation>> byD = new TreeMap<>();
        runs.forEach(r -> byD.computeIfAbsent(r.nTokens(), k -> new ArrayList<>()).add(r.observation()));
        Map<Long, PowerLaw> out = new LinkedHashMap<>();
        byD.forEach((d, obs) -> {
            if (obs.stream().map(Observation::params).distinct().count() >= 2) {
                out.put(d, PowerLaw.fit(obs, false));
            }
        });
        return out;
    }

    /** The L(D) power laws, one per size with two or more token counts. */
    public Map<Long, PowerLaw> lossVsTokens() {
        Map<Long, List<Observation>> byN = new TreeMap<>();
        runs.forEach(r -> byN.computeIfAbsent(r.nParamsNonEmbedding(), k -> new ArrayList<>()).add(r.observation()));
        Map<Long, PowerLaw> out = new LinkedHashMap<>();
        byN.forEach((n, obs) -> {
            if (obs.stream().map(Observation::tokens).distinct().count() >= 2) {
                out.put(n, PowerLaw.fit(obs, true));
            }
        });
        return out;
    }

    /** Writes {@code scaling.json} and the plots into {@code dir}. */
    public void write(Path dir, List<Path> corpus, int vocabSize, SweepConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("corpus", corpus.stream().map(Path::toString).toList());
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("vocab_size", vocabSize);
        recipe.put("batch", config.batch());
        recipe.put("seq_len", config.seqLen());
        recipe.put("seed", config.seed());
        recipe.put("lr", String.format(Locale.ROOT, "%.3g * sqrt(128 / dim), warmup min(100, steps/10), cosine to lr/10 at the "
                + "run's last step; AdamW (0.9, 0.99), weight decay 0.1, clip 1", config.lr()));
        recipe.put("validation", "mean loss over every window of the last 10% of the token stream");
        json.put("recipe", recipe);
        json.put("runs", runs);
        Map<String, Object> fit = new LinkedHashMap<>();
        fit.put("form", "L(N, D) = E + A / N^alpha + B / D^beta, N = non-embedding parameters, D = training tokens");
        fit.put("method", "Huber (delta " + ScalingFit.DELTA + ") on log loss, L-BFGS from Hoffmann et al.'s grid of initializations");
        fit.put("E", constant(law.e(), ScalingLaw::e));
        fit.put("A", constant(law.a(), ScalingLaw::a));
        fit.put("alpha", constant(law.alpha(), ScalingLaw::alpha));
        fit.put("B", constant(law.b(), ScalingLaw::b));
        fit.put("beta", constant(law.beta(), ScalingLaw::beta));
        fit.put("intervals", "95% bootstrap over " + bootstrap.laws().size() + " resamples of the runs");
        fit.put("chinchilla", Map.of("E", 1.69, "A", 406.4, "alpha", 0.34, "B", 410.7, "beta", 0.28));
        json.put("fit", fit);
        List<Map<String, Object>> ln = new ArrayList<>();
        lossVsParams().forEach((d, p) -> ln.add(Map.of("n_tokens", d, "c", p.c(), "exponent", p.exponent(), "points", p.points())));
        List<Map<String, Object>> ld = new ArrayList<>();
        lossVsTokens().forEach((n, p) -> ld.add(Map.of("n_params_non_embedding", n, "c", p.c(), "exponent", p.exponent(),
                "points", p.points())));
        json.put("power_laws", Map.of("loss_vs_n", ln, "loss_vs_d", ld));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("name", holdout.name());
        h.put("n_params", holdout.nParams());
        h.put("n_params_non_embedding", holdout.nParamsNonEmbedding());
        h.put("n_tokens", holdout.nTokens());
        h.put("predicted", prediction.predicted());
        h.put("interval", prediction.interval());
        h.put("measured", holdout.valLoss());
        h.put("relative_error", holdout.valLoss() / prediction.predicted() - 1);
        h.put("largest_fitted_n_ratio", (double) holdout.nParamsNonEmbedding()
                / runs.stream().mapToLong(ScalingRun::nParamsNonEmbedding).max().orElseThrow());
        json.put("holdout", h);
        Sweep.write(dir.resolve("scaling.json"), json);
        lossVsParamsChart().write(dir.resolve("loss-vs-n.svg"));
        lossVsTokensChart().write(dir.resolve("loss-vs-d.svg"));
        frontierChart().write(dir.resolve("frontier.svg"));
    }

    private Map<String, Object> constant(double value, ToDoubleFunction<ScalingLaw> f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("interval", bootstrap.interval(f, 0.95));
        return m;
    }

    /** Loss against N, one colour per D: measured dots, the fitted law as a line, the holdout as a star. */
    public Chart lossVsParamsChart() {
        Chart c = new Chart("validation loss vs parameters, one line per token count", "non-embedding parameters N", Chart.Scale.LOG,
                "validation loss", Chart.Scale.LOG);
        Map<Long, List<ScalingRun>> byD = new TreeMap<>();
        runs.forEach(r -> byD.computeIfAbsent(r.nTokens(), k -> new ArrayList<>()).add(r));
        double nLo = runs.stream().mapToDouble(ScalingRun::nParamsNonEmbedding).min().orElseThrow() / 1.5;
        double nHi = holdout.nParamsNonEmbedding() * 1.5;
        int i = 0;
        for (Map.Entry<Long, List<ScalingRun>> e : byD.entrySet()) {
            String color = Chart.COLORS.get(i++ % Chart.COLORS.size());
            List<ScalingRun> rs = e.getValue().stream().sorted((a, b) -> Long.compare(a.nParamsNonEmbedding(), b.nParamsNonEmbedding())).toList();
            c.line(Chart.Series.of("D = " + Chart.si(e.getKey()), rs.stream().mapToDouble(ScalingRun::nParamsNonEmbedding).toArray(),
                    rs.stream().mapToDouble(ScalingRun::valLoss).toArray()).color(color).width(0).dots(4));
            c.line(curve(nLo, nHi, n -> law.loss(n, e.getKey())).color(color).width(1).opacity(0.6));
        }
        holdoutPoints(c, holdout.nParamsNonEmbedding());
        return c;
    }

    /** Loss against D, one colour per N. */
    public Chart lossVsTokensChart() {
        Chart c = new Chart("validation loss vs training tokens, one line per model size", "training tokens D", Chart.Scale.LOG,
                "validation loss", Chart.Scale.LOG);
        Map<Long, List<ScalingRun>> byN = new TreeMap<>();
        runs.forEach(r -> byN.computeIfAbsent(r.nParamsNonEmbedding(), k -> new ArrayList<>()).add(r));
        double dLo = runs.stream().mapToDouble(ScalingRun::nTokens).min().orElseThrow() / 1.5;
        double dHi = Math.max(runs.stream().mapToDouble(ScalingRun::nTokens).max().orElseThrow(), holdout.nTokens()) * 1.5;
        int i = 0;
        for (Map.Entry<Long, List<ScalingRun>> e : byN.entrySet()) {
            String color = Chart.COLORS.get(i++ % Chart.COLORS.size());
            ScalingRun any = e.getValue().getFirst();
            List<ScalingRun> rs = e.getValue().stream().sorted((a, b) -> Long.compare(a.nTokens(), b.nTokens())).toList();
            c.line(Chart.Series.of(String.format(Locale.ROOT, "%dx%d, N = %s", any.dim(), any.layers(), Chart.si(e.getKey())),
                    rs.stream().mapToDouble(ScalingRun::nTokens).toArray(), rs.stream().mapToDouble(ScalingRun::valLoss).toArray())
                    .color(color).width(0).dots(4));
            c.line(curve(dLo, dHi, d -> law.loss(e.getKey(), d)).color(color).width(1).opacity(0.6));
        }
        c.line(curve(dLo, dHi, d -> law.loss(holdout.nParamsNonEmbedding(), d)).named("holdout size, fitted").color("black")
                .width(1).dashed().opacity(0.6));
        holdoutPoints(c, holdout.nTokens());
        return c;
    }

    /** The predicted and measured holdout at {@code x} (its N or its D). */
    private void holdoutPoints(Chart c, double x) {
        c.line(Chart.Series.of(String.format(Locale.ROOT, "holdout predicted %.3f", prediction.predicted()), new double[]{x},
                new double[]{prediction.predicted()}).color("black").width(0).dots(6));
        c.line(Chart.Series.of(String.format(Locale.ROOT, "holdout measured %.3f", holdout.valLoss()), new double[]{x},
                new double[]{holdout.valLoss()}).color("#d62728").width(0).dots(4));
    }

    /**
     * Model size against compute: the iso-loss contours of the fitted law (N, D with C = 6ND at each loss),
     * the compute-optimal frontier N_opt(C) and the runs.
     */
    public Chart frontierChart() {
        Chart c = new Chart("compute-optimal frontier and iso-loss contours of the fit", "compute C = 6ND (FLOPs)", Chart.Scale.LOG,
                "non-embedding parameters N", Chart.Scale.LOG);
        double cLo = runs.stream().mapToDouble(r -> 6.0 * r.nParamsNonEmbedding() * r.nTokens()).min().orElseThrow() / 3;
        double cHi = 6.0 * holdout.nParamsNonEmbedding() * holdout.nTokens() * 10;
        double nLo = runs.stream().mapToDouble(ScalingRun::nParamsNonEmbedding).min().orElseThrow() / 3;
        double nHi = holdout.nParamsNonEmbedding() * 3;
        c.xRange(cLo, cHi).yRange(nLo, nHi);
        double lossLo = law.loss(law.optimalParams(cHi), law.optimalTokens(cHi));
        double lossHi = runs.stream().mapToDouble(ScalingRun::valLoss).max().orElseThrow();
        int levels = 6;
        for (int k = 0; k < levels; k++) {
            double level = lossLo + (lossHi - lossLo) * (k + 0.5) / levels;
            int points = 120;
            double[] xs = new double[points];
            double[] ys = new double[points];
            for (int j = 0; j < points; j++) {
                double n = nLo * Math.pow(nHi / nLo, j / (points - 1.0));
                ys[j] = n;
                xs[j] = 6 * n * law.tokensFor(n, level);
            }
            c.line(Chart.Series.of(String.format(Locale.ROOT, "L = %.2f", level), xs, ys).color("#999").width(1).dashed());
        }
        c.line(curve(cLo, cHi, law::optimalParams).named("compute-optimal N").color("black").width(2.5));
        double[] rc = runs.stream().mapToDouble(r -> 6.0 * r.nParamsNonEmbedding() * r.nTokens()).toArray();
        double[] rn = runs.stream().mapToDouble(ScalingRun::nParamsNonEmbedding).toArray();
        c.line(Chart.Series.of("runs", rc, rn).color("#1f77b4").width(0).dots(3));
        c.line(Chart.Series.of("holdout", new double[]{6.0 * holdout.nParamsNonEmbedding() * holdout.nTokens()},
                new double[]{holdout.nParamsNonEmbedding()}).color("#d62728").width(0).dots(5));
        c.note(String.format(Locale.ROOT, "D/N at optimum: %.1f", law.optimalTokens(cHi / 10) / law.optimalParams(cHi / 10)));
        return c;
    }

    /** A smooth unlabelled curve of f over [lo, hi], evenly spaced on a log axis. */
    private static Chart.Series curve(double lo, double hi, DoubleUnaryOperator f) {
        int points = 80;
        double[] xs = new double[points];
        double[] ys = new double[points];
        for (int j = 0; j < points; j++) {
            xs[j] = lo * Math.pow(hi / lo, j / (points - 1.0));
            ys[j] = f.applyAsDouble(xs[j]);
        }
        return Chart.Series.of("", xs, ys);
    }
}
