package jllm.model.blocks;

import java.util.Arrays;

import jllm.format.ModelFormatException;
import jllm.kernel.Kernels;
import jllm.kernel.Transcendentals;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.tensor.Tensor;

/**
 * A mixture-of-experts feed-forward sublayer (Mixtral, Qwen3-MoE, gpt-oss): a router scores every expert for
 * each row, the row goes through its top k experts (gated MLPs of their own), and their outputs are
 * summed with the routing weights. Each expert runs one product over all the rows routed to it, so a
 * prompt's rows are grouped by expert.
 *
 * <p>GGUF stores the experts of a layer stacked, {@code ffn_gate_exps} / {@code ffn_up_exps} of ne
 * {@code (dim, expertHidden, numExperts)} and {@code ffn_down_exps} of ne {@code (expertHidden, dim,
 * numExperts)}; each expert is a matrix view of them ({@link Tensor#matrix}), never a copy. Biases
 * (gpt-oss) are {@code .bias} tensors beside them: {@code ffn_gate_inp.bias} of ne (numExperts), the
 * experts' {@code ffn_gate_exps.bias} / {@code ffn_up_exps.bias} of ne (expertHidden, numExperts) and
 * {@code ffn_down_exps.bias} of ne (dim, numExperts).
 *
 * @param router  (numExperts, dim) {@code ffn_gate_inp}
 * @param gate    (numExperts) each (expertHidden, dim)
 * @param up      (numExperts) each (expertHidden, dim)
 * @param down    (numExperts) each (dim, expertHidden)
 * @param routing how a row picks and weighs its experts
 * @param biases  the router's and the experts' biases, {@link Biases#NONE} for none
 */
public record Moe(Tensor router, Tensor[] gate, Tensor[] up, Tensor[] down, Routing routing, Biases biases) implements FeedForward {

    /** Experts without biases. */
    public Moe(Tensor router, Tensor[] gate, Tensor[] up, Tensor[] down, Routing routing) {
        this(router, gate, up, down, routing, Biases.NONE);
    }

    /**
     * Biases added after each product, every one optional (null).
     *
     * @param router (numExperts) on the router's logits
     * @param gate   (numExperts, expertHidden) on each expert's gate
     * @param up     (numExperts, expertHidden) on each expert's up
     * @param down   (numExperts, dim) on each expert's output, before its routing weight
     */
    public record Biases(float[] router, float[] gate, float[] up, float[] down) {
        /** No biases. */
        public static final Biases NONE = new Biases(null, null, null, null);
    }

    /** Which comes first: the softmax over the router's logits, or the choice of the top k. */
    public enum Order {
        /** Softmax over every expert, then the k largest probabilities (Qwen3-MoE; normalized or not). */
        SOFTMAX_THEN_TOP_K,
        /** The k largest logits, then a softmax over those k (Mixtral, gpt-oss). */
        TOP_K_THEN_SOFTMAX
    }

    /**
     * How a row picks and weighs its experts.
     *
     * @param topK      experts per row
     * @param order     softmax before or after the choice
     * @param normalize with {@link Order#SOFTMAX_THEN_TOP_K}: divide the k probabilities by their sum
     *                  (Qwen3-MoE's norm_topk_prob); the other order's weights sum to 1 already
     */
    public record Routing(int topK, Order order, boolean normalize) {
        public Routing {
            if (topK < 1) {
                throw new IllegalArgumentException("a row uses at least one expert, not " + topK);
            }
        }

        /**
         * Row {@code row}'s experts and weights from its router logits {@code logits[row * numExperts ...]}:
         * into {@code experts[row * topK ...]} and {@code weights[row * topK ...]}, largest first (on equal
         * scores the lower expert index first, as torch.topk).
         */
        public void route(float[] logits, int row, int numExperts, int[] experts, float[] weights, Transcendentals math) {
            int k = topK;
            float[] score = Arrays.copyOfRange(logits, row * numExperts, (row + 1) * numExperts);
            if (order == Order.SOFTMAX_THEN_TOP_K) {
                Softmax.apply(score, 0, numExperts, math);
            }
            boolean[] taken = new boolean[numExperts];
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int e = 0; e < numExperts; e++) {
                    if (!taken[e] && (best < 0 || score[e] > score[best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                experts[row * k + j] = best;
                weights[row * k + j] = score[best];
            }
            if (order == Order.TOP_K_THEN_SOFTMAX) {
                Softmax.apply(weights, row * k, k, math);
            } else if (normalize) {
                float sum = 0f;
                for (int j = 0; j < k; j++) {
                    sum += weights[row * k + j];
                }
                for (int j = 0; j < k; j++) {
                    weights[row * k + j] /= sum;
                }
            }
        }
    }

    /**
     * Layer {@code l}'s router and experts: the stacked GGUF tensors, each expert a view of its matrix.
     *
     * @param expertHidden width of one expert's MLP
     */
    public static Moe load(ModelSource s, int l, int dim, int expertHidden, Routing routing) {
        Tensor router = s.tensor(TensorName.FFN_GATE_INP.layer(l));
        if (router.shape().rank() != 2 || router.cols() != dim) {
            throw new ModelFormatException(s.path().toString(), router.name(), "has shape " + router.shape()
                    + ", expected (" + dim + ", numExperts)", null);
        }
        int experts = Math.toIntExact(router.rows());
        if (routing.topK() > experts) {
            throw new ModelFormatException(s.path().toString(), router.name(), "routes each row to " + routing.topK()
                    + " experts, but the layer has " + experts, null);
        }
        Tensor gate = s.tensor(TensorName.FFN_GATE_EXPS.layer(l), dim, expertHidden, experts);
        Tensor up = s.tensor(TensorName.FFN_UP_EXPS.layer(l), dim, expertHidden, experts);
        Tensor down = s.tensor(TensorName.FFN_DOWN_EXPS.layer(l), expertHidden, dim, experts);
        Tensor[][] views = new Tensor[3][experts];
        for (int e = 0; e < experts; e++) {
            views[0][e] = gate.matrix(gate.name() + "[" + e + "]", e);
            views[1][e] = up.matrix(up.name() + "[" + e + "]", e);
            views[2][e] = down.matrix(down.name() + "[" + e + "]", e);
        }
        return new Moe(router, views[0], views[1], views[2], routing, new Biases(bias(s, router.name(), experts),
                bias(s, gate.name(), (long) expertHidden * experts), bias(s, up.name(), (long) expertHidden * experts),
                bias(s, down.name(), (long) dim * experts)));
    }

    /** The {@code .bias} beside a {@code .weight} tensor, as floats, or null when the file has none. */
    private static float[] bias(ModelSource s, String weightName, long values) {
        String name = weightName.substring(0, weightName.length() - ".weight".length()) + ".bias";
        return s.optionalTensor(name).map(t -> {
            if (t.shape().elementCount() != values) {
                throw new ModelFormatException(s.path().toString(), name, "has shape " + t.shape() + ", expected "
                        + values + " values", null);
            }
            try (Kernels scalar = Kernels.scalar()) {
                return scalar.dequantize(t);
            }
        }).orElse(null);
    }

    /** Number of experts. */
    public int numExperts() {
        return gate.length;
    }

    /** The sublayer over an input (n, dim): (n, dim) in {@link Pass.Slot#OUT}. */
    @Override
    public float[] apply(Pass p, float[] in, Glu.Activation act) {
        Kernels kernels = p.kernels();
        int n = p.n();
        int dim = p.dim();
        int experts = numExperts();
        int k = routing.topK();
        int hidden = Math.toIntExact(gate[0].rows());
        // router logits, then each row's k experts and their weights
        float[] logits = new float[n * experts];
        kernels.matmul(logits, router, in, n);
        addBias(logits, n, biases.router(), 0, experts);
        int[] chosen = new int[n * k];
        float[] weights = new float[n * k];
        for (int i = 0; i < n; i++) {
            routing.route(logits, i, experts, chosen, weights, kernels.math());
        }
        if (n == 1) {
            return decodeStep(p, in, act, chosen, weights);
        }
        // the rows of each expert, in row order
        int[] count = new int[experts];
        for (int e : chosen) {
            count[e]++;
        }
        int most = Arrays.stream(count).max().orElse(0);
        float[] rowsIn = new float[most * dim];
        float[][] gu = {new float[most * hidden], new float[most * hidden]};
        float[] rowsOut = new float[most * dim];
        int[] rows = new int[most];
        float[] rowWeights = new float[most];
        float[] out = p.buffer(Pass.Slot.OUT, dim);
        Arrays.fill(out, 0, n * dim, 0f);
        // expert by expert, in index order (as transformers adds them): one product over its rows
        for (int e = 0; e < experts; e++) {
            if (count[e] == 0) {
                continue;
            }
            int m = 0;
            for (int i = 0; i < n * k; i++) {
                if (chosen[i] == e) {
                    rows[m] = i / k;
                    rowWeights[m] = weights[i];
                    System.arraycopy(in, rows[m] * dim, rowsIn, m * dim, dim);
                    m++;
                }
            }
            kernels.matmul(gu, new Tensor[] {gate[e], up[e]}, rowsIn, m);
            addBias(gu[0], m, biases.gate(), e * hidden, hidden);
            addBias(gu[1], m, biases.up(), e * hidden, hidden);
            Glu.apply(kernels, act, gu[0], gu[1], m * hidden);
            kernels.matmul(rowsOut, down[e], gu[0], m);
            addBias(rowsOut, m, biases.down(), e * dim, dim);
            // weighted, into each row's sum
            for (int j = 0; j < m; j++) {
                float w = rowWeights[j];
                int o = rows[j] * dim;
                for (int c = 0; c < dim; c++) {
                    out[o + c] += w * rowsOut[j * dim + c];
                }
            }
        }
        return out;
    }

    /**
     * One row through its k experts with two hand-offs to the threads, as a dense FFN makes: every
     * chosen expert's gate and up (they share the input), then every down projection (each on its own
     * expert's activation). The same bits as the batch path: each product is a row dot of the same
     * row, and the weighted outputs are summed in expert order.
     */
    private float[] decodeStep(Pass p, float[] in, Glu.Activation act, int[] chosen, float[] weights) {
        Kernels kernels = p.kernels();
        int dim = p.dim();
        int k = chosen.length;
        int hidden = Math.toIntExact(gate[0].rows());
        // the chosen experts in index order, as the batch path adds them
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(chosen[a], chosen[b]));
        Tensor[] gu = new Tensor[2 * k];
        float[][] guOut = new float[2 * k][];
        for (int j = 0; j < k; j++) {
            int e = chosen[order[j]];
            gu[2 * j] = gate[e];
            gu[2 * j + 1] = up[e];
            guOut[2 * j] = new float[hidden];
            guOut[2 * j + 1] = new float[hidden];
        }
        kernels.matmul(guOut, gu, in, 1);
        Tensor[] downs = new Tensor[k];
        float[][] acts = new float[k][];
        float[][] outs = new float[k][];
        for (int j = 0; j < k; j++) {
            int e = chosen[order[j]];
            addBias(guOut[2 * j], 1, biases.gate(), e * hidden, hidden);
            addBias(guOut[2 * j + 1], 1, biases.up(), e * hidden, hidden);
            Glu.apply(kernels, act, guOut[2 * j], guOut[2 * j + 1], hidden);
            downs[j] = down[e];
            acts[j] = guOut[2 * j];
            outs[j] = new float[dim];
        }
        kernels.matmulEach(outs, downs, acts);
        float[] out = p.buffer(Pass.Slot.OUT, dim);
        Arrays.fill(out, 0, dim, 0f);
        for (int j = 0; j < k; j++) {
            int e = chosen[order[j]];
            addBias(outs[j], 1, biases.down(), e * dim, dim);
            float w = weights[order[j]];
            for (int c = 0; c < dim; c++) {
                out[c] += w * outs[j][c];
            }
        }
        return out;
    }

    /** Adds {@code bias[off .. off + width)} to each of {@code rows} rows of {@code x}; nothing for a null bias. */
    private static void addBias(float[] x, int rows, float[] bias, int off, int width) {
        if (bias == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                x[r * width + c] += bias[off + c];
            }
        }
    }
}
