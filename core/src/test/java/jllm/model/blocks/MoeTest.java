package jllm.model.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import jllm.kernel.Kernels;
import jllm.kernel.Transcendentals;
import jllm.model.KvCache;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The mixture-of-experts block: both gating orders, experts as views of stacked tensors, and a prompt's
 * rows grouped by expert giving each row what it gets alone and what a plain per-row sum gives, with and
 * without biases (gpt-oss's on the router and every expert product).
 */
class MoeTest {
    private static final int DIM = 24;
    private static final int HIDDEN = 20;
    private static final int EXPERTS = 5;

    @Test
    void softmaxThenTopKKeepsProbabilitiesUnlessNormalized() {
        float[] logits = {0.5f, 2f, -1f, 1.5f, 0f};
        int[] experts = new int[2];
        float[] w = new float[2];
        new Moe.Routing(2, Moe.Order.SOFTMAX_THEN_TOP_K, false).route(logits, 0, 5, experts, w, Transcendentals.FAST);
        double z = 0;
        for (float l : logits) {
            z += Math.exp(l);
        }
        assertThat(experts).containsExactly(1, 3);
        assertThat(w[0]).isCloseTo((float) (Math.exp(2) / z), Offset.offset(1e-6f));
        assertThat(w[1]).isCloseTo((float) (Math.exp(1.5) / z), Offset.offset(1e-6f));
        // renormalized, and Mixtral's order (softmax over the chosen logits), both give the same weights
        float[] normalized = new float[2];
        new Moe.Routing(2, Moe.Order.SOFTMAX_THEN_TOP_K, true).route(logits, 0, 5, experts, normalized, Transcendentals.FAST);
        float[] mixtral = new float[2];
        new Moe.Routing(2, Moe.Order.TOP_K_THEN_SOFTMAX, true).route(logits, 0, 5, experts, mixtral, Transcendentals.FAST);
        float want = (float) (1 / (1 + Math.exp(-0.5)));
        assertThat(normalized[0]).isCloseTo(want, Offset.offset(1e-6f));
        assertThat(mixtral[0]).isCloseTo(want, Offset.offset(1e-6f));
        assertThat(normalized[0] + normalized[1]).isCloseTo(1f, Offset.offset(1e-6f));
        assertThatThrownBy(() -> new Moe.Routing(0, Moe.Order.TOP_K_THEN_SOFTMAX, true)).hasMessageContaining("at least one");
    }

    @Test
    void matrixViewsOfAStackShareItsMemory() {
        Tensor stack = Tensor.ofFloats("exps", Shape.of(3, 2, 4), floats(new Random(1), 24));
        Tensor third = stack.matrix("exps[2]", 2);
        assertThat(third.shape()).isEqualTo(Shape.matrix(2, 3));
        assertThat(third.data().address()).isEqualTo(stack.data().address() + 2 * 6 * 4);
        assertThatThrownBy(() -> stack.matrix("x", 4)).hasMessageContaining("not inside");
        assertThatThrownBy(() -> third.matrix("x", 0)).hasMessageContaining("not inside");
    }

    @Test
    void rowsGroupedByExpertMatchEachRowAloneAndThePlainSum() {
        Random random = new Random(3);
        Tensor router = Tensor.ofFloats("router", Shape.matrix(EXPERTS, DIM), floats(random, EXPERTS * DIM));
        Tensor gates = Tensor.ofFloats("gate", Shape.of(DIM, HIDDEN, EXPERTS), floats(random, DIM * HIDDEN * EXPERTS));
        Tensor ups = Tensor.ofFloats("up", Shape.of(DIM, HIDDEN, EXPERTS), floats(random, DIM * HIDDEN * EXPERTS));
        Tensor downs = Tensor.ofFloats("down", Shape.of(HIDDEN, DIM, EXPERTS), floats(random, DIM * HIDDEN * EXPERTS));
        Tensor[][] views = new Tensor[3][EXPERTS];
        for (int e = 0; e < EXPERTS; e++) {
            views[0][e] = gates.matrix("gate" + e, e);
            views[1][e] = ups.matrix("up" + e, e);
            views[2][e] = downs.matrix("down" + e, e);
        }
        Moe.Biases biases = new Moe.Biases(floats(random, EXPERTS), floats(random, EXPERTS * HIDDEN),
                floats(random, EXPERTS * HIDDEN), floats(random, EXPERTS * DIM));
        for (Moe.Order order : Moe.Order.values()) {
            for (Moe.Biases b : new Moe.Biases[] {Moe.Biases.NONE, biases}) {
                assertGroupedRowsMatch(new Moe(router, views[0], views[1], views[2], new Moe.Routing(2, order, false), b), random);
            }
        }
    }

    private static void assertGroupedRowsMatch(Moe moe, Random random) {
        int n = 11;
        float[] in = floats(random, n * DIM);
        // one row alone takes the decoding step's path (two hand-offs on the vector kernels' threads)
        for (Kernels kernels : new Kernels[] {Kernels.scalar(), Kernels.vector(2)}) {
            float[] batch = moe.apply(pass(kernels, n), in, Glu.Activation.SILU).clone();
            for (int i = 0; i < n; i++) {
                float[] row = java.util.Arrays.copyOfRange(in, i * DIM, (i + 1) * DIM);
                float[] alone = moe.apply(pass(kernels, 1), row, Glu.Activation.SILU);
                float[] plain = plain(moe, row, kernels);
                for (int c = 0; c < DIM; c++) {
                    assertThat(batch[i * DIM + c]).as("%s row %d", moe.routing().order(), i).isEqualTo(alone[c]);
                    assertThat(batch[i * DIM + c]).isCloseTo(plain[c], Offset.offset(1e-5f));
                }
            }
            kernels.close();
        }
    }

    /** One row through its experts one at a time, in doubles where the block uses floats. */
    private static float[] plain(Moe moe, float[] x, Kernels k) {
        float[] logits = new float[EXPERTS];
        k.matmul(logits, moe.router(), x);
        Moe.Biases b = moe.biases();
        for (int e = 0; e < EXPERTS; e++) {
            logits[e] += b.router() == null ? 0 : b.router()[e];
        }
        int[] chosen = new int[2];
        float[] w = new float[2];
        moe.routing().route(logits, 0, EXPERTS, chosen, w, Transcendentals.FAST);
        double[] out = new double[DIM];
        for (int j = 0; j < 2; j++) {
            int e = chosen[j];
            float[] g = new float[HIDDEN];
            float[] u = new float[HIDDEN];
            k.matmul(g, moe.gate()[e], x);
            k.matmul(u, moe.up()[e], x);
            float[] h = new float[HIDDEN];
            for (int i = 0; i < HIDDEN; i++) {
                double gi = g[i] + (b.gate() == null ? 0 : b.gate()[e * HIDDEN + i]);
                double ui = u[i] + (b.up() == null ? 0 : b.up()[e * HIDDEN + i]);
                h[i] = (float) (gi / (1 + Math.exp(-gi)) * ui);
            }
            float[] y = new float[DIM];
            k.matmul(y, moe.down()[e], h);
            for (int c = 0; c < DIM; c++) {
                out[c] += w[j] * ((double) y[c] + (b.down() == null ? 0 : b.down()[e * DIM + c]));
            }
        }
        float[] f = new float[DIM];
        for (int c = 0; c < DIM; c++) {
            f[c] = (float) out[c];
        }
        return f;
    }

    private static Pass pass(Kernels kernels, int n) {
        return new Pass(kernels, new KvCache[n], new int[n], DIM);
    }

    private static float[] floats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * 0.3);
        }
        return v;
    }
}
