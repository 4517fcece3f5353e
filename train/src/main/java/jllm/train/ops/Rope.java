package jllm.train.ops;

import jllm.kernel.Dense;
import jllm.kernel.Transcendentals;

/**
 * Rotary position embedding in the NORM pairing (values 2i and 2i+1 of each head rotate together), the
 * convention of GGUF llama weights; the angles are inference's {@link jllm.model.blocks.Rope}'s own, so
 * trained weights load bit-compatibly.
 * The backward pass is the inverse rotation.
 */
public final class Rope {
    private final int headDim;
    private final int contextLength;
    private final float[] cos; // (contextLength, headDim / 2)
    private final float[] sin; // (contextLength, headDim / 2)

    public Rope(int headDim, int contextLength, float base) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dimension " + headDim + " must be even for rope");
        }
        this.headDim = headDim;
        this.contextLength = contextLength;
        int half = headDim / 2;
        cos = new float[contextLength * half];
        sin = new float[contextLength * half];
        // the angles of inference's rope (NORM pairs, the whole head rotated, no scaling)
        jllm.model.blocks.Rope angles = new jllm.model.blocks.Rope(jllm.model.blocks.Rope.Style.NORM, headDim, headDim, base, null);
        for (int pos = 0; pos < contextLength; pos++) {
            angles.angles(pos, cos, sin, pos * half, Transcendentals.FAST);
        }
    }

    /** Rotates x (n, numHeads * headDim) in place; row r is at position {@code r % seqLen}. */
    public void forward(float[] x, int n, int seqLen, int numHeads) {
        checkLength(seqLen);
        rotate(x, 0, n, seqLen, numHeads, 1f);
    }

    /** {@link #forward(float[], int, int, int)} with the rows split over the dense kernels' threads (the same values). */
    public void forward(Dense dense, float[] x, int n, int seqLen, int numHeads) {
        checkLength(seqLen);
        Split.rows(dense, n, (from, to) -> rotate(x, from, to, seqLen, numHeads, 1f));
    }

    /** Rotates the gradient dx back (the transpose of a rotation is the opposite rotation). */
    public void backward(float[] dx, int n, int seqLen, int numHeads) {
        checkLength(seqLen);
        rotate(dx, 0, n, seqLen, numHeads, -1f);
    }

    /** {@link #backward(float[], int, int, int)} with the rows split over the dense kernels' threads (the same values). */
    public void backward(Dense dense, float[] dx, int n, int seqLen, int numHeads) {
        checkLength(seqLen);
        Split.rows(dense, n, (from, to) -> rotate(dx, from, to, seqLen, numHeads, -1f));
    }

    private void checkLength(int seqLen) {
        if (seqLen > contextLength) {
            throw new IllegalArgumentException("sequence length " + seqLen + " exceeds the rope table's " + contextLength);
        }
    }

    /** Rotates rows [from, to) of x. */
    private void rotate(float[] x, int from, int to, int seqLen, int numHeads, float sign) {
        int half = headDim / 2;
        for (int r = from; r < to; r++) {
            int pos = r % seqLen;
            for (int h = 0; h < numHeads; h++) {
                int base = (r * numHeads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float c = cos[pos * half + i];
                    float s = sign * sin[pos * half + i];
                    float x0 = x[base + 2 * i];
                    float x1 = x[base + 2 * i + 1];
                    x[base + 2 * i] = x0 * c - x1 * s;
                    x[base + 2 * i + 1] = x0 * s + x1 * c;
                }
            }
        }
    }
}
