package jllm.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import jllm.kernel.Dense;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.LoadedModel;
import org.junit.jupiter.api.Test;

/**
 * Decoding needs bit-identical probabilities. These tests pin that down for both predictors: the
 * logits must not change with the thread count, the number of lanes run together, or (for the
 * reproducible predictor) the Dense backend (scalar reference vs vector, which stands for another CPU's
 * vector width), and the reproducible predictor must stay the same model as the engine (close logits).
 */
class PredictorDeterminismTest {
    private static final int LANES = 5;
    private static final int STEPS = 40;

    /** Logits of LANES random sequences run in lockstep, then each run alone: (lane)(step)(vocab). */
    private static float[][][] lockstep(LockstepModel m, boolean alone) {
        Random rnd = new Random(5);
        int[][] seqs = new int[LANES][STEPS];
        for (int[] s : seqs) {
            for (int i = 0; i < STEPS; i++) {
                s[i] = rnd.nextInt(Math.min(2048, m.vocabSize()));
            }
        }
        float[][][] out = new float[LANES][STEPS][];
        int v = m.vocabSize();
        if (alone) {
            for (int lane = 0; lane < LANES; lane++) {
                m.reset(1, STEPS);
                for (int s = 0; s < length(lane); s++) {
                    out[lane][s] = m.step(new int[]{0}, new int[]{seqs[lane][s]}).clone();
                }
            }
        } else {
            m.reset(LANES, STEPS);
            for (int s = 0; s < STEPS; s++) {
                // lanes drop out at different steps, as chunks of different lengths do
                int step = s;
                int[] active = java.util.stream.IntStream.range(0, LANES).filter(l -> step < length(l)).toArray();
                int[] tokens = new int[active.length];
                for (int a = 0; a < active.length; a++) {
                    tokens[a] = seqs[active[a]][s];
                }
                float[] logits = m.step(active, tokens);
                for (int a = 0; a < active.length; a++) {
                    out[active[a]][s] = Arrays.copyOfRange(logits, a * v, (a + 1) * v);
                }
            }
        }
        return out;
    }

    private static int length(int lane) {
        return STEPS - 7 * lane;
    }

    private static void assertBitIdentical(float[][][] a, float[][][] b) {
        for (int l = 0; l < a.length; l++) {
            for (int s = 0; s < length(l); s++) {
                for (int i = 0; i < a[l][s].length; i++) {
                    if (Float.floatToRawIntBits(a[l][s][i]) != Float.floatToRawIntBits(b[l][s][i])) {
                        throw new AssertionError("lane " + l + " step " + s + " logit " + i + ": " + a[l][s][i] + " vs " + b[l][s][i]);
                    }
                }
            }
        }
    }

    @Test
    void reproducibleIsBitIdenticalAcrossThreadsLanesAndBackends() {
        float[][][] reference;
        try (LoadedModel m = TestModels.builtin(1); Dense scalar = Dense.scalar()) {
            reference = lockstep(Jz.reproducible(m.source(), scalar), true);
        }
        try (LoadedModel m = TestModels.builtin(2); Dense vector = Dense.vector(2)) {
            LockstepModel p = Jz.reproducible(m.source(), vector);
            assertBitIdentical(lockstep(p, false), reference);
            assertBitIdentical(lockstep(p, true), reference);
        }
        try (LoadedModel m = TestModels.builtin(1); Dense vector = Dense.vector(1)) {
            assertBitIdentical(lockstep(Jz.reproducible(m.source(), vector), false), reference);
        }
    }

    /**
     * Any family the engine runs: a qwen2 model (biases, NEOX rope, tied classifier) gives the same bits
     * with the scalar and the vector Dense backend.
     */
    @Test
    void anotherFamilyIsBitIdenticalAcrossBackends() {
        java.nio.file.Path file = jllm.testing.SharedData.require("testdata/models/randqwen2-d256/randqwen2-d256-Q8_0.gguf");
        float[][][] reference;
        try (jllm.model.ModelSource src = jllm.model.ModelSources.gguf(file); Dense scalar = Dense.scalar()) {
            reference = lockstep(Jz.reproducible(src, scalar), true);
        }
        try (jllm.model.ModelSource src = jllm.model.ModelSources.gguf(file); Dense vector = Dense.vector(2)) {
            assertBitIdentical(lockstep(Jz.reproducible(src, vector), false), reference);
        }
    }

    /** The engine path: same thread-count and batch independence, as its kernels promise. */
    @Test
    void engineIsBitIdenticalAcrossThreadsAndLanes() {
        float[][][] reference;
        try (LoadedModel m = TestModels.builtin(1)) {
            reference = lockstep(new EngineLockstep(m.model(), KvCache.Type.F16), true);
        }
        try (LoadedModel m = TestModels.builtin(2)) {
            assertBitIdentical(lockstep(new EngineLockstep(m.model(), KvCache.Type.F16), false), reference);
            assertBitIdentical(lockstep(new EngineLockstep(m.model(), KvCache.Type.F16), true), reference);
        }
    }

    /** The reproducible predictor is the engine's model, up to the engine's rounding of cache and activations. */
    @Test
    void reproducibleAgreesWithTheEngine() {
        try (LoadedModel m = TestModels.builtin(2); Dense dense = Dense.vector(2)) {
            float[][][] plain = lockstep(Jz.reproducible(m.source(), dense), true);
            LanguageModel engine = m.model();
            Random rnd = new Random(5);
            for (int lane = 0; lane < LANES; lane++) {
                int[] seq = new int[STEPS];
                for (int i = 0; i < STEPS; i++) {
                    seq[i] = rnd.nextInt(2048);
                }
                seq = Arrays.copyOf(seq, length(lane));
                KvCache cache = engine.newCache(STEPS, KvCache.Type.F32);
                float[] all = engine.forward(cache, seq, LanguageModel.Logits.ALL);
                double err = 0;
                double norm = 0;
                int v = engine.info().vocabSize();
                for (int s = 0; s < seq.length; s++) {
                    for (int i = 0; i < v; i++) {
                        double d = plain[lane][s][i] - all[s * v + i];
                        err += d * d;
                        norm += (double) all[s * v + i] * all[s * v + i];
                    }
                }
                assertThat(err / norm).as("normalized squared error, lane %d", lane).isLessThan(1e-4);
            }
        }
    }

    /** What ModelPredictor hands to the coder is reproducible end to end: same tables for 1 and 2 threads. */
    @Test
    void frequencyTablesMatchBetweenOneAndTwoThreads() {
        List<int[]> first = tables(1);
        List<int[]> second = tables(2);
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).as("table %d", i).isEqualTo(first.get(i));
        }
    }

    private static List<int[]> tables(int threads) {
        List<int[]> out = new ArrayList<>();
        try (LoadedModel m = TestModels.builtin(threads); Dense dense = Dense.vector(threads)) {
            ModelPredictor p = new ModelPredictor(Jz.reproducible(m.source(), dense), 0, 2048, 64, 3);
            int[][] chunks = {m.tokenizer().encode("Once upon a time, there was a little girl named Lily.", false, false),
                    m.tokenizer().encode("She liked to play in the park with her dog.", false, false)};
            p.runGroup(chunks, 0, (chunk, index, table) -> {
                int[] cum = new int[table.size() + 1];
                for (int s = 0; s < table.size(); s++) {
                    cum[s + 1] = table.low(s) + table.freq(s);
                }
                out.add(cum);
                return chunks[chunk][index];
            });
        }
        return out;
    }
}
