package jllm.train.ops;

import static jllm.train.GradCheck.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import jllm.kernel.Dense;
import jllm.train.AdamW;
import jllm.train.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The training step's elementwise ops split over the dense kernels' threads give the serial versions'
 * bits exactly, on 1, 2 and 3 threads and at sizes that do not divide evenly.
 */
class ParallelOpsTest {
    private static final Dense[] DENSE = {Dense.vector(1), Dense.vector(2), Dense.vector(3)};

    @AfterAll
    static void close() {
        for (Dense d : DENSE) {
            d.close();
        }
    }

    @Test
    void crossEntropyInOnePassEqualsForwardThenBackward() {
        Random rnd = new Random(7);
        int n = 37, vocab = 65;
        float[] logits = random(rnd, n * vocab, 4);
        int[] targets = rnd.ints(n, 0, vocab).toArray();
        float[] weight = new float[n];
        for (int i = 0; i < n; i++) {
            weight[i] = i % 5 == 0 ? 0f : rnd.nextFloat() / n; // some rows masked, as SFT does
        }
        double loss = CrossEntropy.forward(logits, targets, weight, n, vocab);
        float[] dlogits = new float[n * vocab];
        CrossEntropy.backward(dlogits, logits, targets, weight, n, vocab);
        for (Dense d : DENSE) {
            float[] got = random(rnd, n * vocab, 1); // stale values must be overwritten
            assertThat(CrossEntropy.forwardBackward(d, got, logits, targets, weight, n, vocab)).as(d.name()).isEqualTo(loss);
            assertThat(got).as(d.name()).containsExactly(dlogits);
        }
    }

    @Test
    void ropeAndSwiGluOnThreadsEqualTheSerialOnes() {
        Random rnd = new Random(8);
        int seqLen = 11, n = 3 * seqLen, heads = 3, headDim = 8;
        Rope rope = new Rope(headDim, 16, 10000f);
        float[] x = random(rnd, n * heads * headDim, 1);
        float[] fwd = x.clone(), bwd = x.clone();
        rope.forward(fwd, n, seqLen, heads);
        rope.backward(bwd, n, seqLen, heads);
        int m = 1_001;
        float[] g = random(rnd, m, 3), u = random(rnd, m, 1), dh = random(rnd, m, 1);
        float[] sig = new float[m], h = new float[m], dg = new float[m], du = new float[m];
        SwiGlu.forward(DENSE[0], h, sig, g, u, m);
        SwiGlu.backward(dg, du, dh, g, u, sig, m);
        for (Dense d : DENSE) {
            float[] f = x.clone(), b = x.clone();
            rope.forward(d, f, n, seqLen, heads);
            rope.backward(d, b, n, seqLen, heads);
            assertThat(f).as(d.name()).containsExactly(fwd);
            assertThat(b).as(d.name()).containsExactly(bwd);
            float[] h2 = new float[m], sig2 = new float[m], dg2 = new float[m], du2 = new float[m];
            SwiGlu.forward(d, h2, sig2, g, u, m);
            SwiGlu.backward(d, dg2, du2, dh, g, u, sig2, m);
            assertThat(h2).as(d.name()).containsExactly(h);
            assertThat(dg2).as(d.name()).containsExactly(dg);
            assertThat(du2).as(d.name()).containsExactly(du);
        }
    }

    @Test
    void adamWStepOnThreadsEqualsTheSerialStep() {
        for (Dense d : DENSE) {
            // sizes around the chunk of 16384 values, one parameter without weight decay
            List<Param> serial = params(new Random(9));
            List<Param> parallel = params(new Random(9));
            AdamW a = new AdamW(serial, new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f));
            AdamW b = new AdamW(parallel, new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f));
            Random grads = new Random(10);
            for (int step = 0; step < 3; step++) {
                for (int i = 0; i < serial.size(); i++) {
                    float[] gr = random(grads, serial.get(i).size(), 1);
                    System.arraycopy(gr, 0, serial.get(i).grad(), 0, gr.length);
                    System.arraycopy(gr, 0, parallel.get(i).grad(), 0, gr.length);
                }
                a.step(1e-3f);
                b.step(d, 1e-3f);
            }
            for (int i = 0; i < serial.size(); i++) {
                assertThat(parallel.get(i).value()).as("%s %s", d.name(), serial.get(i).name()).containsExactly(serial.get(i).value());
            }
            assertThat(b.secondMoments()[2]).containsExactly(a.secondMoments()[2]);
        }
    }

    private static List<Param> params(Random rnd) {
        Param w = Param.of("w", 3, 16_384 / 3 * 2 + 7, true);
        Param norm = Param.of("norm", 1, 5, false);
        Param big = Param.of("big", 2, 16_384, true);
        for (Param p : List.of(w, norm, big)) {
            float[] v = random(rnd, p.size(), 1);
            System.arraycopy(v, 0, p.value(), 0, v.length);
        }
        return List.of(w, norm, big);
    }
}
