package jllm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import jllm.chat.ChatMessage;
import jllm.kernel.Dense;
import jllm.train.ops.CrossEntropy;

/**
 * Direct Preference Optimization (Rafailov et al. 2023): with log-probabilities of each reply under the
 * policy π and the frozen reference π_ref, {@code z = β·[(log π(y_c) − log π_ref(y_c)) − (log π(y_r) − log π_ref(y_r))]}
 * and the loss is {@code −log σ(z)}, averaged over pairs. Its gradient reaches the logits through
 * per-token cross-entropy weights {@code ±β·σ(−z)/pairs}. The reference log-probabilities are computed
 * once, before training, by the same forward pass, so at step 0 z is exactly 0 and the loss exactly ln 2.
 * Held-out pairs report the loss, the reward accuracy (chosen reward above rejected) and the mean margin,
 * with rewards {@code β·(log π − log π_ref)}.
 *
 * <pre>{@code
 * DpoResult r = Dpo.run(config, new ConsoleProgress(System.err));
 * }</pre>
 */
public final class Dpo {
    private Dpo() {
    }

    /**
     * Held-out metrics.
     *
     * @param loss     mean DPO loss
     * @param accuracy fraction of pairs whose chosen reward exceeds the rejected one
     * @param margin   mean (chosen reward − rejected reward)
     */
    public record Metrics(double loss, double accuracy, double margin) {
    }

    private record Encoded(ChatTokenizer.Example chosen, ChatTokenizer.Example rejected) {
    }

    /** Tunes {@code c.policyModel()} on the pairs and writes {@code c.outDir()/model.gguf}. */
    public static DpoResult run(DpoConfig c, ProgressListener listener) {
        GgufImport.Loaded policy = GgufImport.load(c.policyModel());
        ChatTokenizer chat = ChatTokenizer.of(policy, c.policyModel(), c.endOfTurn());
        String template = chat.templateSource();
        int eot = chat.endOfTurnId();
        int maxLen = Math.min(c.maxLen(), policy.params().config.contextLength() + 1);
        List<PreferencePair> pairs = new ArrayList<>();
        for (Path p : c.data()) {
            pairs.addAll(PreferencePair.load(p));
        }
        Collections.shuffle(pairs, new Random(c.seed()));
        List<Encoded> all = new ArrayList<>();
        int read = 0, tooLong = 0, noReply = 0;
        for (PreferencePair p : pairs) {
            if (c.maxPairs() > 0 && all.size() >= c.maxPairs()) {
                break;
            }
            read++;
            Encoded e = new Encoded(encode(chat, p.prompt(), p.chosen()), encode(chat, p.prompt(), p.rejected()));
            if (e.chosen.tokens().length > maxLen || e.rejected.tokens().length > maxLen) {
                tooLong++;
            } else if (e.chosen.trainedCount() == 0 || e.rejected.trainedCount() == 0) {
                noReply++;
            } else {
                all.add(e);
            }
        }
        int skipped = tooLong + noReply;
        int nVal = (int) Math.round(all.size() * c.valFraction());
        if (all.size() - nVal < 1 || (c.valFraction() > 0 && nVal == 0)) {
            List<String> why = new ArrayList<>();
            if (tooLong > 0) {
                why.add(tooLong + " have a prompt and reply longer than " + maxLen + " tokens");
            }
            if (noReply > 0) {
                why.add(noReply + " have an empty reply");
            }
            List<String> fixes = new ArrayList<>();
            if (tooLong > 0) {
                fixes.add(c.maxLen() > maxLen
                        ? "shorten the pairs or use a model with a longer context (this one holds " + (maxLen - 1) + " tokens)"
                        : "raise --max-len (the model's context holds " + policy.params().config.contextLength()
                          + " tokens) or shorten the pairs");
            }
            fixes.add("add pairs");
            if (all.size() - nVal >= 1) {
                fixes.add("give --val-fraction 0 to train without validation");
            }
            throw new IllegalArgumentException("too little data for DPO: of " + read + " preference pairs in "
                    + Sft.names(c.data()) + ", " + skipped + " were skipped" + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")")
                    + " and " + all.size() + " remain: " + (all.size() - nVal) + " for training, " + nVal + " held out for "
                    + "validation (validation fraction " + c.valFraction() + "). To fix: " + String.join("; ", fixes));
        }
        List<Encoded> val = all.subList(0, nVal);
        List<Encoded> train = all.subList(nVal, all.size());
        long t0 = System.nanoTime();
        try (Dense dense = Dense.vector(c.threads())) {
            Files.createDirectories(c.outDir());
            // reference log-probabilities, once, from the frozen reference
            LlamaParams refParams = c.referenceModel().map(r -> GgufImport.load(r).params()).orElse(policy.params());
            TrainableLlama ref = new TrainableLlama(refParams, dense);
            double[][] refTrain = logProbs(ref, train, c.batch(), maxLen, eot);
            double[][] refVal = logProbs(ref, val, c.batch(), maxLen, eot);
            LlamaParams params = policy.params();
            TrainableLlama model = new TrainableLlama(params, dense);
            AdamW opt = new AdamW(params.all(), c.adamW());
            Metrics before = metrics(model, val, refVal, c, maxLen, eot);
            int stepsPerEpoch = (train.size() + c.batch() - 1) / c.batch();
            int steps = c.epochs() * stepsPerEpoch;
            LossLog log = new LossLog();
            LrSchedule schedule = c.schedule().resolve(steps);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                order.add(i);
            }
            double step0 = Double.NaN;
            List<ProgressListener.Eval> evals = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                if (step % stepsPerEpoch == 0) {
                    Collections.shuffle(order, new Random(c.seed() + 1 + step / stepsPerEpoch));
                }
                int from = (step % stepsPerEpoch) * c.batch();
                List<Integer> idx = order.subList(from, Math.min(from + c.batch(), order.size()));
                long s0 = System.nanoTime();
                params.zeroGrad();
                List<ChatTokenizer.Example> seqs = new ArrayList<>();
                for (int i : idx) {
                    seqs.add(train.get(i).chosen);
                    seqs.add(train.get(i).rejected);
                }
                Batch b = Batch.of(seqs, maxLen, eot);
                float[] logits = model.forward(b.tokens(), b.batch(), b.seqLen());
                double[] lp = sequenceLogProbs(logits, b, params.config.vocabSize());
                // per pair: z, loss, and the weight of each of its tokens' cross-entropy
                float[] weight = new float[b.tokens().length];
                double loss = 0;
                for (int k = 0; k < idx.size(); k++) {
                    int i = idx.get(k);
                    double z = c.beta() * ((lp[2 * k] - refTrain[i][0]) - (lp[2 * k + 1] - refTrain[i][1]));
                    loss += softplus(-z) / idx.size();
                    float g = (float) (c.beta() * sigmoid(-z) / idx.size());
                    for (int t = 0; t < b.seqLen(); t++) {
                        if (b.trained()[2 * k * b.seqLen() + t]) {
                            weight[2 * k * b.seqLen() + t] = g;
                        }
                        if (b.trained()[(2 * k + 1) * b.seqLen() + t]) {
                            weight[(2 * k + 1) * b.seqLen() + t] = -g;
                        }
                    }
                }
                if (step == 0) {
                    step0 = loss;
                }
                float[] dlogits = new float[logits.length];
                CrossEntropy.backward(dlogits, logits, b.targets(), weight, b.tokens().length, params.config.vocabSize());
                model.backward(dlogits);
                float norm = AdamW.clipGradNorm(params.all(), c.gradClip());
                float lr = schedule.rate(step);
                opt.step(lr);
                long s1 = System.nanoTime();
                ProgressListener.Step st = ProgressListener.Step.timed(step + 1, steps, loss, lr, norm, b.tokens().length,
                        step + 1, t0, s0, s1);
                log.onStep(st);
                listener.onStep(st);
                if ((step + 1) % stepsPerEpoch == 0 && nVal > 0) {
                    ProgressListener.Eval e = new ProgressListener.Eval(step + 1, loss, metrics(model, val, refVal, c, maxLen, eot).loss());
                    evals.add(e);
                    log.onEval(e);
                    listener.onEval(e);
                }
            }
            Metrics after = metrics(model, val, refVal, c, maxLen, eot);
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.writeCsv(c.outDir().resolve("loss.csv"));
            log.writeSvg(c.outDir().resolve("loss.svg"), c.name() + ": DPO loss");
            Path gguf = c.outDir().resolve("model.gguf");
            params.writeGguf(gguf, policy.tokenizer().with(eot, Optional.of(template)), c.name(), c.outputType());
            return new DpoResult(gguf, params, step0, before, after, log.rows(), evals, steps, train.size(), nVal, tooLong, noReply, maxLen, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static ChatTokenizer.Example encode(ChatTokenizer chat, List<ChatMessage> prompt, String reply) {
        List<ChatMessage> conv = new ArrayList<>(prompt);
        conv.add(ChatMessage.assistant(reply));
        return chat.encode(conv, true);
    }

    /** log π(reply) of each (chosen, rejected) pair: {pairs} x {chosen, rejected}. */
    private static double[][] logProbs(TrainableLlama model, List<Encoded> pairs, int batch, int maxLen, int pad) {
        double[][] out = new double[pairs.size()][2];
        for (int i = 0; i < pairs.size(); i += batch) {
            List<ChatTokenizer.Example> seqs = new ArrayList<>();
            for (int j = i; j < Math.min(i + batch, pairs.size()); j++) {
                seqs.add(pairs.get(j).chosen);
                seqs.add(pairs.get(j).rejected);
            }
            Batch b = Batch.of(seqs, maxLen, pad);
            double[] lp = sequenceLogProbs(model.forward(b.tokens(), b.batch(), b.seqLen()), b, model.params().config.vocabSize());
            for (int j = 0; j < seqs.size() / 2; j++) {
                out[i + j][0] = lp[2 * j];
                out[i + j][1] = lp[2 * j + 1];
            }
        }
        return out;
    }

    /** Σ over trained positions of log p(target), per sequence of the batch. */
    static double[] sequenceLogProbs(float[] logits, Batch b, int vocab) {
        double[] tokens = tokenLogProbs(logits, b, vocab);
        double[] lp = new double[b.batch()];
        for (int s = 0; s < b.batch(); s++) {
            for (int t = 0; t < b.seqLen(); t++) {
                lp[s] += tokens[s * b.seqLen() + t];
            }
        }
        return lp;
    }

    /** log p(target) at each trained position of the batch, 0 elsewhere: (batch, seqLen). */
    static double[] tokenLogProbs(float[] logits, Batch b, int vocab) {
        double[] lp = new double[b.tokens().length];
        for (int row = 0; row < lp.length; row++) {
            if (b.trained()[row]) {
                lp[row] = -CrossEntropy.nll(logits, row, vocab, b.targets()[row]);
            }
        }
        return lp;
    }

    private static Metrics metrics(TrainableLlama model, List<Encoded> val, double[][] ref, DpoConfig c, int maxLen, int pad) {
        if (val.isEmpty()) {
            return new Metrics(Double.NaN, Double.NaN, Double.NaN);
        }
        double[][] lp = logProbs(model, val, c.batch(), maxLen, pad);
        double loss = 0, correct = 0, margin = 0;
        for (int i = 0; i < val.size(); i++) {
            double rc = c.beta() * (lp[i][0] - ref[i][0]);
            double rr = c.beta() * (lp[i][1] - ref[i][1]);
            loss += softplus(-(rc - rr));
            correct += rc > rr ? 1 : 0;
            margin += rc - rr;
        }
        return new Metrics(loss / val.size(), correct / val.size(), margin / val.size());
    }

    /** log(1 + e^x), without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
