package jllm.model.mamba;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jllm.testing.SharedData;
import jllm.generate.Session;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.HfModelsOracleTest;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.RecurrentState;
import jllm.model.Transformers4Config;
import jllm.model.blocks.RmsNorm;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * The mamba oracle folder beyond its logits: the original checkpoints' config keys, a recurrent state
 * behind {@link Session} (history reuse and rewinding give the logits of evaluating from scratch), and
 * several sequences in one batch.
 */
class MambaTest {
    /** "Once upon a time, there was a little" and more, in the folder's tokenizer. */
    private static final int[] PROMPT = {394, 417, 261, 375, 14, 377, 279, 261, 369};

    private static Kernels kernels;
    private static ModelSource source;
    private static LanguageModel model;

    @BeforeAll
    static void load() {
        kernels = Kernels.best();
        source = ModelSources.safetensors(SharedData.require("testdata/hf-models/mamba-base"));
        model = Architectures.forSource(source).load(source, kernels);
    }

    @AfterAll
    static void close() {
        source.close();
        kernels.close();
    }

    @Test
    void originalCheckpointKeysMatchTransformers(@TempDir Path tmp) throws Exception {
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/mamba-base"), tmp.resolve("mamba-base"), cfg -> {
            // mamba-ssm's spelling (state-spaces/mamba-130m): d_model, n_layer, d_state, d_conv, dt_rank, rms_norm_eps
            cfg.put("d_model", cfg.remove("hidden_size"));
            cfg.put("n_layer", cfg.remove("num_hidden_layers"));
            cfg.put("d_state", cfg.remove("state_size"));
            cfg.put("d_conv", cfg.remove("conv_kernel"));
            cfg.put("dt_rank", cfg.remove("time_step_rank"));
            cfg.put("rms_norm_eps", cfg.remove("layer_norm_epsilon"));
            cfg.remove("intermediate_size"); // 2 * d_model
        });
        try (ModelSource src = ModelSources.safetensors(dir)) {
            MambaConfig c = MambaConfig.from(src);
            assertThat(c).extracting(MambaConfig::convKernel, MambaConfig::innerSize, MambaConfig::stateSize, MambaConfig::timeStepRank)
                    .containsExactly(4, 128, 16, 8);
            HfModelsOracleTest.assertMatchesReference(Architectures.forSource(src).load(src, kernels),
                    SharedData.require("testdata/hf-models/mamba-base"), "mamba-base", 1e-3);
        }
    }

    /**
     * use_bias checkpoints: with the gate half of the input projection's bias at -1e4, silu(z) is 0, so
     * every block adds exactly its output projection's bias to the residual stream, and the final hidden
     * state of a token is norm(embedding + sum of the layers' output biases).
     */
    @Test
    void inputAndOutputProjectionBiasesAreApplied() {
        int dim = model.info().dim();
        int layers = model.info().numLayers();
        int inner = MambaConfig.from(source).innerSize();
        Map<String, Tensor> tensors = new HashMap<>(source.tensors());
        Random random = new Random(42);
        float[] sum = new float[dim];
        for (int l = 0; l < layers; l++) {
            float[] inBias = new float[2 * inner];
            float[] outBias = new float[dim];
            for (int i = 0; i < 2 * inner; i++) {
                inBias[i] = i < inner ? (float) random.nextGaussian() : -1e4f;
            }
            for (int i = 0; i < dim; i++) {
                outBias[i] = (float) random.nextGaussian();
                sum[i] += outBias[i];
            }
            tensors.put("blk." + l + ".ssm_in.bias", Tensor.ofFloats("blk." + l + ".ssm_in.bias",
                    Shape.of(2L * inner), inBias));
            tensors.put("blk." + l + ".ssm_out.bias", Tensor.ofFloats("blk." + l + ".ssm_out.bias",
                    Shape.of(dim), outBias));
        }
        ModelSource biased = new ModelSource(source.format(), source.path(), source.metadata(), tensors,
                source.ropeStyle(), () -> { });
        LanguageModel m = Architectures.forSource(biased).load(biased, kernels);
        int token = PROMPT[1];
        float[] embedding = kernels.dequantize(source.tensor("token_embd.weight"));
        float[] x = new float[dim];
        for (int i = 0; i < dim; i++) {
            x[i] = embedding[token * dim + i] + sum[i];
        }
        float[] expected = new float[dim];
        RmsNorm.applyRows(expected, x, kernels.dequantize(source.tensor("output_norm.weight")), dim, 1,
                model.info().normEps());
        float[] got = m.hiddenStates(m.newCache(4), new int[] {token});
        assertClose(got, expected);
        // without the biases the same token gives another state
        assertThat(Math.abs(model.hiddenStates(model.newCache(4), new int[] {token})[0] - expected[0])).isGreaterThan(1e-3f);
    }

    @Test
    void theStateIsConstantInSequenceLength() {
        KvCache small = model.newCache(16);
        KvCache large = model.newCache(1 << 20);
        assertThat(small).isInstanceOf(RecurrentState.class);
        assertThat(large.bytesAtFullContext()).isEqualTo(small.bytesAtFullContext());
        assertThat(model.info().kvDim()).isZero();
    }

    @Test
    void followUpTurnsReuseTheStateAndMatchEvaluatingFromScratch() {
        Session s = Session.of(model, 64);
        int[] held = promptAndSixGreedySteps(s);
        // the next turn extends everything the state holds: nothing is recomputed
        int[] next = append(append(held, 300), 301);
        int kept = s.keepPrefix(next);
        assertThat(kept).isEqualTo(held.length);
        float[] reused = Session.evaluate(List.of(s), List.of(Arrays.copyOfRange(next, kept, next.length)))[0];
        assertClose(reused, fromScratch(next));
    }

    @Test
    void aDivergingPromptRewindsToACheckpointAndMatchesEvaluatingFromScratch() {
        Session s = Session.of(model, 64);
        int[] held = promptAndSixGreedySteps(s);
        // differs from the fourth generated token on: the state goes back to a decode step at or before it
        int[] diverged = append(Arrays.copyOf(held, PROMPT.length + 3), 42);
        int kept = s.keepPrefix(diverged);
        assertThat(kept).isBetween(PROMPT.length, PROMPT.length + 3);
        float[] rewound = Session.evaluate(List.of(s), List.of(Arrays.copyOfRange(diverged, kept, diverged.length)))[0];
        assertClose(rewound, fromScratch(diverged));
        // the same prompt again: at least its last token is evaluated, from an earlier checkpoint
        assertClose(s.prefill(diverged), fromScratch(diverged));
        // back past every checkpoint: from the empty state
        assertClose(s.prefill(Arrays.copyOf(PROMPT, 3)), fromScratch(Arrays.copyOf(PROMPT, 3)));
    }

    @Test
    void sequencesInOneBatchMatchSeparateCalls() {
        KvCache a = model.newCache(32);
        KvCache b = model.newCache(32);
        int[] first = Arrays.copyOf(PROMPT, 5);
        int[] second = {7, 8, 9};
        float[] both = model.forwardBatch(List.of(a, b), List.of(first, second));
        int vocab = model.info().vocabSize();
        assertClose(Arrays.copyOfRange(both, 0, vocab), model.forward(model.newCache(32), first, LanguageModel.Logits.LAST));
        assertClose(Arrays.copyOfRange(both, vocab, 2 * vocab), model.forward(model.newCache(32), second, LanguageModel.Logits.LAST));
        // one decode step of both
        float[] step = model.forwardBatch(List.of(a, b), new int[] {11, 12});
        assertClose(Arrays.copyOfRange(step, 0, vocab), fromScratch(append(first, 11)));
        assertClose(Arrays.copyOfRange(step, vocab, 2 * vocab), fromScratch(append(second, 12)));
    }

    /** Feeds PROMPT and six greedy tokens to {@code s}; returns them. */
    private static int[] promptAndSixGreedySteps(Session s) {
        float[] logits = s.prefill(PROMPT);
        int[] held = PROMPT;
        for (int i = 0; i < 6; i++) {
            int t = HfModelsOracleTest.argmax(logits);
            held = append(held, t);
            logits = s.next(t);
        }
        return held;
    }

    private static float[] fromScratch(int[] tokens) {
        return model.forward(model.newCache(64), tokens, LanguageModel.Logits.LAST);
    }

    /** Rows evaluated in other groupings round differently in the matmuls, by far less than this. */
    private static void assertClose(float[] got, float[] expected) {
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] - expected[i])).as("logit %d", i).isLessThan(1e-4f);
        }
    }

    private static int[] append(int[] a, int t) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = t;
        return r;
    }
}
