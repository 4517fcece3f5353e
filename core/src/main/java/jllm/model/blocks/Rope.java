package jllm.model.blocks;

/**
 * Rotary position embedding, computed as ggml_rope does (float theta progression, optional per-pair
 * frequency factors from a {@code rope_freqs} tensor).
 *
 * <p>Two pairings exist: {@link Style#NORM} rotates adjacent values (2i, 2i+1), as llama's GGUF
 * weights and llama2.c expect; {@link Style#NEOX} rotates (i, i + d/2), as Hugging Face weights and
 * qwen2 expect.
 */
public final class Rope {

    /** Which values form a rotated pair. */
    public enum Style { NORM, NEOX }

    private final Style style;
    private final int headDim;
    private final int ropeDim;
    private final float thetaScale;
    private final float[] freqFactors; // (ropeDim / 2) or null

    /**
     * @param style       pairing
     * @param headDim     values per head
     * @param ropeDim     values per head that are rotated (usually headDim)
     * @param base        frequency base (rope theta)
     * @param freqFactors per-pair divisors of the angle (Llama 3.1 scaling), or null
     */
    public Rope(Style style, int headDim, int ropeDim, float base, float[] freqFactors) {
        if (ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("rope dimension " + ropeDim + " must be even and at most " + headDim);
        }
        if (freqFactors != null && freqFactors.length < ropeDim / 2) {
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " values, needs " + ropeDim / 2);
        }
        this.style = style;
        this.headDim = headDim;
        this.ropeDim = ropeDim;
        this.thetaScale = (float) Math.pow(base, -2.0f / ropeDim);
        this.freqFactors = freqFactors;
    }

    /** Rotates {@code numHeads} heads stored one after another at {@code off} for position {@code pos}. */
    public void apply(float[] x, int off, int numHeads, int pos) {
        // cos/sin per pair, shared by all heads
        float[] cos = new float[ropeDim / 2];
        float[] sin = new float[ropeDim / 2];
        float theta = pos;
        for (int i = 0; i < ropeDim / 2; i++) {
            float t = freqFactors == null ? theta : theta / freqFactors[i];
            cos[i] = (float) Math.cos(t);
            sin[i] = (float) Math.sin(t);
            theta *= thetaScale;
        }
        int half = ropeDim / 2;
        for (int h = 0; h < numHeads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = style == Style.NORM ? base + 2 * i : base + i;
                int b = style == Style.NORM ? a + 1 : base + i + half;
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * cos[i] - x1 * sin[i];
                x[b] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }
}
