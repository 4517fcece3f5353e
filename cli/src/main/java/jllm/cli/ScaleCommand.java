package jllm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jllm.train.plot.Chart;
import jllm.train.scale.ModelSize;
import jllm.train.scale.Observation;
import jllm.train.scale.ScalingFit;
import jllm.train.scale.ScalingLaw;
import jllm.train.scale.ScalingReport;
import jllm.train.scale.ScalingRun;
import jllm.train.scale.Sweep;
import jllm.train.scale.SweepConfig;
import jllm.train.scale.SweepPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm scale CORPUS -o DIR}: a scaling-law sweep, Chinchilla's fit, and a held-out prediction. */
@Command(name = "scale", description = "Train a sweep of small llama models over parameters N and tokens D, fit Chinchilla's "
        + "L(N, D) = E + A/N^alpha + B/D^beta, predict a larger held-out model's loss before training it; writes "
        + "DIR/scaling.json and plots. Resumable: finished runs are never redone.")
final class ScaleCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "CORPUS", description = "Training text (.txt, .jsonl with a \"text\" field, optionally .gz).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "The sweep's folder.")
    Path out;

    @Option(names = "--budget", paramLabel = "MINUTES", description = "Pick the finest grid whose estimated time (FLOPs over a "
            + "measured speed) fits (default: 40, or the grid recorded in DIR).")
    Double budget;

    @Option(names = "--sizes", split = ",", paramLabel = "WxL", description = "Model sizes, e.g. 32x1,64x2,96x4 (width x layers).")
    List<String> sizes;

    @Option(names = "--tokens", split = ",", paramLabel = "D", description = "Training tokens per run, e.g. 100k,300k,1M.")
    List<String> tokens;

    @Option(names = "--holdout", paramLabel = "WxL", description = "The held-out model (default: the first of the ladder with "
            + "3x the largest fitted N).")
    String holdout;

    @Option(names = "--holdout-tokens", paramLabel = "D", description = "Its training tokens (default: the largest of --tokens).")
    String holdoutTokens;

    @Option(names = "--plan", description = "Print the plan the budget gives (measuring each size's speed) and stop.")
    boolean planOnly;

    @Option(names = "--predict", paramLabel = "N,D", description = "Print the loss the fit of DIR's runs predicts for N "
            + "non-embedding parameters and D tokens, with its 95%% interval, and stop.")
    String predict;

    @Option(names = "--vocab", paramLabel = "N", description = "BPE vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab = 1024;

    @Option(names = "--batch", paramLabel = "N", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--ctx", paramLabel = "N", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int ctx = 64;

    @Option(names = "--lr", paramLabel = "RATE", description = "Peak learning rate at width 128, scaled by sqrt(128 / width) "
            + "(default: ${DEFAULT-VALUE}).")
    float lr = 3e-3f;

    @Option(names = "--bootstrap", paramLabel = "N", description = "Bootstrap resamples for the intervals (default: ${DEFAULT-VALUE}).")
    int bootstrap = 200;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1337;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws IOException {
        if (predict != null) {
            return predict();
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("give the corpus to train the sweep on (or --predict N,D to use DIR's runs)");
        }
        InputFiles.checkAll(inputs, "a text or JSONL file");
        SweepConfig config = new SweepConfig(inputs, out, vocab, batch, ctx, lr, threads, seed, bootstrap);
        try (Sweep sweep = Sweep.open(config, System.err)) {
            SweepPlan plan = plan(sweep);
            if (planOnly) {
                Console.out().printf(Locale.ROOT, "sizes %s, tokens %s, holdout %s on %d tokens%n", plan.sizes(), plan.tokens(),
                        plan.holdout(), plan.holdoutTokens());
                Console.out().flush();
                return 0;
            }
            ScalingReport r = sweep.run(plan);
            ScalingLaw law = r.law();
            Console.out().printf(Locale.ROOT, "%d runs: L(N, D) = %.3f + %.4g/N^%.3f + %.4g/D^%.3f (alpha 95%% %s, beta %s; "
                            + "Chinchilla: alpha 0.34, beta 0.28)%n", r.runs().size(), law.e(), law.a(), law.alpha(), law.b(), law.beta(),
                    interval(r.bootstrap().interval(ScalingLaw::alpha, 0.95)), interval(r.bootstrap().interval(ScalingLaw::beta, 0.95)));
            Console.out().printf(Locale.ROOT, "holdout %s: predicted %.4f %s, measured %.4f (%+.2f%%); %s%n", r.holdout().name(),
                    r.prediction().predicted(), interval(r.prediction().interval()), r.holdout().valLoss(),
                    100 * (r.holdout().valLoss() / r.prediction().predicted() - 1), out.resolve("scaling.json"));
            Console.out().flush();
        }
        return 0;
    }

    private SweepPlan plan(Sweep sweep) {
        if (sizes == null && tokens == null && holdout == null) {
            if (budget == null && sweep.recordedPlan().isPresent()) {
                return sweep.recordedPlan().get();
            }
            return sweep.plan(budget != null ? budget : 40);
        }
        SweepPlan base = sizes == null || tokens == null ? sweep.plan(budget != null ? budget : 40) : null;
        List<ModelSize> s = sizes != null ? sizes.stream().map(ModelSize::parse).toList() : base.sizes();
        List<Long> d = tokens != null ? tokens.stream().map(ScaleCommand::count).toList() : base.tokens();
        long largest = s.stream().mapToLong(ModelSize::nonEmbeddingParams).max().orElseThrow();
        ModelSize h = holdout != null ? ModelSize.parse(holdout) : SweepPlan.LADDER.stream()
                .filter(m -> m.nonEmbeddingParams() >= 3 * largest).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model of the ladder has 3x the " + largest
                        + " non-embedding parameters of the largest size: give --holdout WxL"));
        long hd = holdoutTokens != null ? count(holdoutTokens) : d.stream().mapToLong(Long::longValue).max().orElseThrow();
        return new SweepPlan(s, d, h, hd);
    }

    private int predict() {
        String[] f = predict.split(",");
        if (f.length != 2) {
            throw new IllegalArgumentException("--predict takes N,D (non-embedding parameters and tokens), e.g. 2M,1M; got " + predict);
        }
        double n = count(f[0]), d = count(f[1]);
        List<ScalingRun> runs = Sweep.fittedRuns(out);
        List<Observation> obs = runs.stream().map(ScalingRun::observation).toList();
        ScalingLaw law = ScalingFit.fit(obs);
        ScalingFit.Bootstrap boot = ScalingFit.bootstrap(obs, law, bootstrap, seed);
        Console.out().printf(Locale.ROOT, "N = %s, D = %s: predicted loss %.4f %s (fit of %d runs in %s)%n", Chart.si(n), Chart.si(d),
                law.loss(n, d), interval(boot.interval(l -> l.loss(n, d), 0.95)), runs.size(), out);
        Console.out().flush();
        return 0;
    }

    private static String interval(double[] i) {
        return String.format(Locale.ROOT, "[%.4g, %.4g]", i[0], i[1]);
    }

    /** 100000, 100k, 1.5M, 1e6. */
    static long count(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        double scale = 1;
        if (t.endsWith("k")) {
            scale = 1e3;
        } else if (t.endsWith("m")) {
            scale = 1e6;
        } else if (t.endsWith("g") || t.endsWith("b")) {
            scale = 1e9;
        }
        try {
            double v = Double.parseDouble(scale == 1 ? t : t.substring(0, t.length() - 1)) * scale;
            if (v >= 1 && v < 1e15) {
                return Math.round(v);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + s + "' is not a positive count (e.g. 100000, 100k, 1.5M)");
    }
}
