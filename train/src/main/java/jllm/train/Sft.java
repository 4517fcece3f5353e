package jllm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import jllm.chat.ChatMessage;
import jllm.kernel.Dense;
import jllm.train.ops.CrossEntropy;

/**
 * Supervised fine-tuning on chat data: conversations are rendered with the chat template and the loss
 * covers only the assistant's tokens and their end-of-turn token. Full fine-tuning, or LoRA adapters
 * (saved alone and merged into the output model). Held-out conversations measure the assistant-token
 * loss before and after.
 *
 * <pre>{@code
 * SftResult r = Sft.run(config, new ConsoleProgress(System.err));
 * }</pre>
 */
public final class Sft {
    private Sft() {
    }

    /** Fine-tunes {@code c.baseModel()} and writes {@code c.outDir()/model.gguf}. */
    public static SftResult run(SftConfig c, ProgressListener listener) {
        GgufImport.Loaded base = GgufImport.load(c.baseModel());
        String template = c.chatTemplate().or(() -> base.tokenizer().chatTemplate()).orElseThrow(() ->
                new IllegalArgumentException(c.baseModel() + " has no chat template; give one"));
        ChatTokenizer chat = new ChatTokenizer(template, base.tokenizer().toTokenizer(), c.endOfTurn(), base.tokenizer().addBos() ? base.tokenizer().bos() : -1);
        int eot = chat.endOfTurnId();
        int maxLen = Math.min(c.maxLen(), base.params().config.contextLength() + 1);
        // conversations the loss can learn from within maxLen tokens; the others are counted, not trained on
        List<ChatTokenizer.Example> all = new ArrayList<>();
        int read = 0, noReply = 0, beyond = 0, earliest = Integer.MAX_VALUE;
        for (Path p : c.data()) {
            for (List<ChatMessage> conv : ChatExamples.load(p, c.placeholders())) {
                read++;
                ChatTokenizer.Example e = chat.encode(conv);
                if (e.trainedCount() == 0) {
                    noReply++;
                } else if (e.trainedWithin(maxLen) == 0) {
                    beyond++;
                    earliest = Math.min(earliest, e.firstTrained());
                } else {
                    all.add(e);
                }
            }
        }
        Collections.shuffle(all, new Random(c.seed()));
        int nVal = (int) Math.round(all.size() * c.valFraction());
        List<ChatTokenizer.Example> val = all.subList(0, nVal);
        List<ChatTokenizer.Example> train = all.subList(nVal, all.size());
        String skipped = skipped(noReply, beyond, maxLen);
        if (train.isEmpty() || (c.valFraction() > 0 && val.isEmpty())) {
            List<String> fixes = new ArrayList<>();
            if (beyond > 0) {
                fixes.add(c.maxLen() > maxLen
                        ? "use a base model with a longer context (this one holds " + (maxLen - 1) + " tokens; the earliest "
                          + "reply starts at token " + earliest + ") or shorten the conversations"
                        : "raise --max-len to at least " + (earliest + 1) + " (the earliest reply starts at token " + earliest
                          + ") or shorten the conversations");
            }
            fixes.add("add conversations with assistant replies");
            if (!train.isEmpty()) {
                fixes.add("give --val-fraction 0 to train without validation");
            }
            throw new IllegalArgumentException("too little data to fine-tune on: of " + read + " conversations in "
                    + names(c.data()) + ", " + (read - all.size()) + " were skipped" + (skipped.isEmpty() ? "" : " (" + skipped + ")") + " and " + all.size()
                    + " remain: " + train.size() + " for training, " + val.size() + " held out for validation (validation "
                    + "fraction " + c.valFraction() + "). To fix: " + String.join("; ", fixes));
        }
        LlamaParams params = base.params();
        int stepsPerEpoch = (train.size() + c.batch() - 1) / c.batch();
        int steps = c.epochs() * stepsPerEpoch;
        LossLog log = new LossLog();
        LrSchedule schedule = c.schedule().resolve(steps);
        long t0 = System.nanoTime();
        try (Dense dense = Dense.vector(c.threads())) {
            Files.createDirectories(c.outDir());
            TrainableLlama model = new TrainableLlama(params, dense);
            Lora lora = c.lora().map(s -> Lora.attach(params, s, c.seed())).orElse(null);
            List<Param> trainable = lora != null ? lora.params() : params.all();
            AdamW opt = new AdamW(trainable, c.adamW());
            double valBefore = nVal > 0 ? evaluate(model, val, c.batch(), maxLen, eot) : Double.NaN;
            List<ProgressListener.Eval> evals = new ArrayList<>();
            List<ChatTokenizer.Example> order = new ArrayList<>(train);
            for (int step = 0; step < steps; step++) {
                if (step % stepsPerEpoch == 0) {
                    Collections.shuffle(order, new Random(c.seed() + 1 + step / stepsPerEpoch));
                }
                int from = (step % stepsPerEpoch) * c.batch();
                Batch b = Batch.of(order.subList(from, Math.min(from + c.batch(), order.size())), maxLen, eot);
                long s0 = System.nanoTime();
                params.zeroGrad();
                if (lora != null) {
                    lora.merge(dense);
                }
                float[] weight = b.weights(1f / Math.max(1, b.trainedCount()));
                float[] logits = model.forward(b.tokens(), b.batch(), b.seqLen());
                int vocabSize = params.config.vocabSize();
                double loss = CrossEntropy.forward(logits, b.targets(), weight, b.tokens().length, vocabSize);
                float[] dlogits = new float[logits.length];
                CrossEntropy.backward(dlogits, logits, b.targets(), weight, b.tokens().length, vocabSize);
                model.backward(dlogits);
                if (lora != null) {
                    lora.backward(dense);
                }
                float norm = AdamW.clipGradNorm(trainable, c.gradClip());
                float lr = schedule.rate(step);
                opt.step(lr);
                long s1 = System.nanoTime();
                ProgressListener.Step st = ProgressListener.Step.timed(step + 1, steps, loss, lr, norm, b.tokens().length,
                        step + 1, t0, s0, s1);
                log.onStep(st);
                listener.onStep(st);
                if ((step + 1) % stepsPerEpoch == 0 && nVal > 0) {
                    if (lora != null) {
                        lora.merge(dense);
                    }
                    ProgressListener.Eval e = new ProgressListener.Eval(step + 1, loss, evaluate(model, val, c.batch(), maxLen, eot));
                    evals.add(e);
                    log.onEval(e);
                    listener.onEval(e);
                }
            }
            if (lora != null) {
                lora.merge(dense);
                lora.writeAdapter(c.outDir().resolve("adapter.gguf"), c.name() + " LoRA");
            }
            double valAfter = nVal > 0 ? evaluate(model, val, c.batch(), maxLen, eot) : Double.NaN;
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.writeCsv(c.outDir().resolve("loss.csv"));
            log.writeSvg(c.outDir().resolve("loss.svg"), c.name() + ": SFT loss (assistant tokens)");
            Path gguf = c.outDir().resolve("model.gguf");
            params.writeGguf(gguf, base.tokenizer().with(eot, java.util.Optional.of(template)), c.name(), c.outputType());
            return new SftResult(gguf, params, chat, log.rows(), evals, valBefore, valAfter, steps, train.size(), nVal,
                    read - all.size(), skipped, lora != null ? lora.count() : params.count(), seconds);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Why conversations were skipped, e.g. "3 have no assistant reply within the first 20 tokens", or "". */
    private static String skipped(int noReply, int beyond, int maxLen) {
        List<String> why = new ArrayList<>();
        if (beyond > 0) {
            why.add(beyond + " have no assistant reply within the first " + maxLen + " tokens");
        }
        if (noReply > 0) {
            why.add(noReply + " have no assistant reply at all");
        }
        return String.join(", ", why);
    }

    static String names(List<Path> files) {
        return String.join(", ", files.stream().map(Path::toString).toList());
    }

    /** Mean loss per assistant token over the examples. */
    static double evaluate(TrainableLlama model, List<ChatTokenizer.Example> examples, int batch, int maxLen, int pad) {
        double sum = 0;
        long count = 0;
        int vocab = model.params().config.vocabSize();
        for (int i = 0; i < examples.size(); i += batch) {
            Batch b = Batch.of(examples.subList(i, Math.min(i + batch, examples.size())), maxLen, pad);
            float[] ones = b.weights(1f);
            sum += CrossEntropy.forward(model.forward(b.tokens(), b.batch(), b.seqLen()), b.targets(), ones, ones.length, vocab);
            count += b.trainedCount();
        }
        return sum / Math.max(1, count);
    }
}
