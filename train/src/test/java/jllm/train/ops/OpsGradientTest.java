package jllm.train.ops;

import static jllm.train.GradCheck.check;
import static jllm.train.GradCheck.dot;
import static jllm.train.GradCheck.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jllm.kernel.Dense;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A finite-difference gradient check per op: each op's output is reduced to a scalar by a fixed random
 * projection {@code L = Σ r·y}, so the analytic backward gets {@code dy = r}.
 */
class OpsGradientTest {
    private static final Dense DENSE = Dense.vector(2);

    @AfterAll
    static void close() {
        DENSE.close();
    }

    @Test
    void linear() {
        Random rnd = new Random(1);
        int n = 5, in = 7, out = 3;
        float[] x = random(rnd, n * in, 1), w = random(rnd, out * in, 1), r = random(rnd, n * out, 1);
        float[] y = new float[n * out];
        float[] dx = new float[n * in], dw = new float[out * in];
        Linear.backward(DENSE, dx, dw, r, x, w, n, in, out, false);
        java.util.function.DoubleSupplier loss = () -> {
            Linear.forward(DENSE, y, x, w, n, in, out);
            return dot(r, y);
        };
        check("linear dx", x, dx, loss, 1000, rnd);
        check("linear dw", w, dw, loss, 1000, rnd);
    }

    @Test
    void embedding() {
        Random rnd = new Random(2);
        int vocab = 6, dim = 4;
        int[] tokens = {3, 1, 3, 0};
        float[] table = random(rnd, vocab * dim, 1), r = random(rnd, tokens.length * dim, 1);
        float[] x = new float[tokens.length * dim], dtable = new float[vocab * dim];
        Embedding.backward(dtable, r, tokens, dim);
        check("embedding", table, dtable, () -> {
            Embedding.forward(x, table, tokens, dim);
            return dot(r, x);
        }, 1000, rnd);
    }

    @Test
    void rmsNorm() {
        Random rnd = new Random(3);
        int n = 4, dim = 8;
        float[] x = random(rnd, n * dim, 1), w = random(rnd, dim, 1), r = random(rnd, n * dim, 1);
        float[] y = new float[n * dim], rstd = new float[n], dx = new float[n * dim], dw = new float[dim];
        RmsNorm.forward(DENSE, y, rstd, x, w, n, dim, 1e-5f);
        RmsNorm.backward(DENSE, dx, dw, r, x, w, rstd, n, dim);
        java.util.function.DoubleSupplier loss = () -> {
            RmsNorm.forward(DENSE, y, rstd, x, w, n, dim, 1e-5f);
            return dot(r, y);
        };
        check("rmsnorm dx", x, dx, loss, 1000, rnd);
        check("rmsnorm dw", w, dw, loss, 1000, rnd);
    }

    @Test
    void rope() {
        Random rnd = new Random(4);
        int seqLen = 5, batch = 2, heads = 3, headDim = 8, n = batch * seqLen;
        Rope rope = new Rope(headDim, 16, 10000f);
        float[] x = random(rnd, n * heads * headDim, 1), r = random(rnd, x.length, 1);
        float[] dx = r.clone();
        rope.backward(dx, n, seqLen, heads);
        check("rope", x, dx, () -> {
            float[] y = x.clone();
            rope.forward(y, n, seqLen, heads);
            return dot(r, y);
        }, 1000, rnd);
    }

    @Test
    void ropeRotatesAsInference() {
        Random rnd = new Random(5);
        int seqLen = 7, heads = 2, headDim = 16;
        Rope rope = new Rope(headDim, seqLen, 10000f);
        jllm.model.blocks.Rope ref = new jllm.model.blocks.Rope(jllm.model.blocks.Rope.Style.NORM, headDim, headDim, 10000f, null);
        float[] x = random(rnd, seqLen * heads * headDim, 1);
        float[] expected = x.clone();
        for (int pos = 0; pos < seqLen; pos++) {
            ref.apply(expected, pos * heads * headDim, heads, pos);
        }
        rope.forward(x, seqLen, seqLen, heads);
        assertThat(x).containsExactly(expected);
    }

    @Test
    void swiGlu() {
        Random rnd = new Random(6);
        int n = 20;
        float[] g = random(rnd, n, 2), u = random(rnd, n, 1), r = random(rnd, n, 1);
        float[] h = new float[n], sig = new float[n], dg = new float[n], du = new float[n];
        SwiGlu.forward(DENSE, h, sig, g, u, n);
        SwiGlu.backward(dg, du, r, g, u, sig, n);
        java.util.function.DoubleSupplier loss = () -> {
            SwiGlu.forward(DENSE, h, sig, g, u, n);
            return dot(r, h);
        };
        check("swiglu dg", g, dg, loss, 1000, rnd);
        check("swiglu du", u, du, loss, 1000, rnd);
    }

    @Test
    void causalGroupedQueryAttention() {
        Random rnd = new Random(7);
        int batch = 2, seqLen = 5, heads = 4, kvHeads = 2, headDim = 4, n = batch * seqLen;
        CausalAttention attention = new CausalAttention(heads, kvHeads, headDim);
        float[] q = random(rnd, n * heads * headDim, 1), k = random(rnd, n * kvHeads * headDim, 1);
        float[] v = random(rnd, n * kvHeads * headDim, 1), r = random(rnd, n * heads * headDim, 1);
        float[] out = new float[q.length], probs = new float[batch * heads * seqLen * seqLen];
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        attention.forward(DENSE, out, probs, q, k, v, batch, seqLen);
        attention.backward(DENSE, dq, dk, dv, r, probs, q, k, v, batch, seqLen);
        java.util.function.DoubleSupplier loss = () -> {
            attention.forward(DENSE, out, probs, q, k, v, batch, seqLen);
            return dot(r, out);
        };
        check("attention dq", q, dq, loss, 1000, rnd);
        check("attention dk", k, dk, loss, 1000, rnd);
        check("attention dv", v, dv, loss, 1000, rnd);
    }

    @Test
    void attentionIsCausal() {
        Random rnd = new Random(8);
        int seqLen = 6, heads = 2, headDim = 4;
        CausalAttention attention = new CausalAttention(heads, heads, headDim);
        float[] q = random(rnd, seqLen * heads * headDim, 1), k = random(rnd, q.length, 1), v = random(rnd, q.length, 1);
        float[] out = new float[q.length], probs = new float[heads * seqLen * seqLen];
        attention.forward(DENSE, out, probs, q, k, v, 1, seqLen);
        float[] before = out.clone();
        // changing the last position's key and value leaves every earlier output as it was
        for (int d = 0; d < heads * headDim; d++) {
            k[(seqLen - 1) * heads * headDim + d] += 1f;
            v[(seqLen - 1) * heads * headDim + d] -= 1f;
        }
        attention.forward(DENSE, out, probs, q, k, v, 1, seqLen);
        int last = (seqLen - 1) * heads * headDim;
        assertThat(java.util.Arrays.copyOf(out, last)).containsExactly(java.util.Arrays.copyOf(before, last));
    }

    @Test
    void crossEntropy() {
        Random rnd = new Random(9);
        int n = 4, vocab = 7;
        float[] logits = random(rnd, n * vocab, 2), dlogits = new float[n * vocab];
        int[] targets = {0, 6, 3, 3};
        float[] weight = {0.25f, 0f, 0.5f, -1f};
        CrossEntropy.backward(dlogits, logits, targets, weight, n, vocab);
        check("cross-entropy", logits, dlogits, () -> CrossEntropy.forward(logits, targets, weight, n, vocab), 1000, rnd);
        // uniform logits: the loss is ln(vocab) per unit of weight
        float[] zeros = new float[vocab];
        assertThat(CrossEntropy.forward(zeros, new int[]{2}, new float[]{1f}, 1, vocab)).isCloseTo(Math.log(vocab), org.assertj.core.data.Offset.offset(1e-12));
    }
}
