package jllm.model.blocks;

import jllm.kernel.Transcendentals;

/**
 * Rotary position embedding, computed as ggml_rope_ext does: a float theta progression, optional
 * per-pair frequency factors (Llama 3.1's {@code rope_freqs}, Phi-3's LongRoPE factors), linear
 * scaling ({@code freqScale}), YaRN's blend of interpolation and extrapolation, and a magnitude factor
 * on cos/sin (LongRoPE's and YaRN's attention factor).
 *
 * <p>Two pairings exist: {@link Style#NORM} rotates adjacent values (2i, 2i+1), as llama's GGUF
 * weights and llama2.c expect; {@link Style#NEOX} rotates (i, i + ropeDim/2), as Hugging Face weights,
 * qwen2 and most later families expect. With {@code ropeDim < headDim} (partial rotary) the values past
 * ropeDim pass through unchanged.
 *
 * <p>LongRoPE (Phi-3, Phi-4-mini) has two sets of frequency factors: a rope made with the short ones
 * carries the long ones as {@link #withLongContext}, and {@link #forContext} picks per sequence.
 */
public final class Rope {

    /** Which values form a rotated pair. */
    public enum Style { NORM, NEOX }

    /**
     * How angles are computed from positions.
     *
     * @param base        frequency base (rope theta)
     * @param freqScale   linear interpolation factor, 1/scale ("linear" rope scaling); 1 for none
     * @param extFactor   YaRN's extrapolation mix (0 disables YaRN's ramp)
     * @param attnFactor  magnitude multiplied into cos and sin (1 for none)
     * @param betaFast    YaRN: rotations where the ramp starts
     * @param betaSlow    YaRN: rotations where the ramp ends
     * @param origContext YaRN: the context length the model was trained with
     * @param freqFactors per-pair divisors of the angle, (ropeDim / 2) values, or null
     * @param truncate    YaRN: the ramp's ends rounded outward to whole pairs, as ggml always does and
     *                    transformers unless {@code truncate} is false (gpt-oss); false keeps them fractional
     */
    public record Scaling(float base, float freqScale, float extFactor, float attnFactor, float betaFast,
                          float betaSlow, int origContext, float[] freqFactors, boolean truncate) {

        /** A scaling whose YaRN ramp ends are rounded to whole pairs (ggml's). */
        public Scaling(float base, float freqScale, float extFactor, float attnFactor, float betaFast, float betaSlow,
                       int origContext, float[] freqFactors) {
            this(base, freqScale, extFactor, attnFactor, betaFast, betaSlow, origContext, freqFactors, true);
        }

        /** Plain rope with base {@code base}. */
        public static Scaling of(float base) {
            return new Scaling(base, 1f, 0f, 1f, 32f, 1f, 0, null);
        }

        /** This scaling with per-pair divisors. */
        public Scaling withFreqFactors(float[] factors) {
            return new Scaling(base, freqScale, extFactor, attnFactor, betaFast, betaSlow, origContext, factors, truncate);
        }

        /** This scaling with linear interpolation by {@code factor} (positions divided by it). */
        public Scaling withLinear(float factor) {
            return new Scaling(base, 1f / factor, extFactor, attnFactor, betaFast, betaSlow, origContext, freqFactors, truncate);
        }

        /** This scaling with a magnitude factor on cos and sin. */
        public Scaling withAttnFactor(float factor) {
            return new Scaling(base, freqScale, extFactor, factor, betaFast, betaSlow, origContext, freqFactors, truncate);
        }

        /** This scaling with YaRN's ramp ends rounded to whole pairs or not. */
        public Scaling withTruncate(boolean t) {
            return new Scaling(base, freqScale, extFactor, attnFactor, betaFast, betaSlow, origContext, freqFactors, t);
        }
    }

    private final Style style;
    private final int headDim;
    private final int ropeDim;
    private final float thetaScale;
    private final Scaling s;
    private final float corrLow;  // YaRN ramp start (pair dimension)
    private final float corrHigh; // YaRN ramp end
    private final float mscale;   // the magnitude on cos and sin: the attention factor, times YaRN's
    private final Rope longContext; // LongRoPE: the rope of sequences longer than origContext, or null
    private final int origContext;

    /**
     * @param style       pairing
     * @param headDim     values per head
     * @param ropeDim     values per head that are rotated (usually headDim)
     * @param base        frequency base (rope theta)
     * @param freqFactors per-pair divisors of the angle (Llama 3.1 scaling), or null
     */
    public Rope(Style style, int headDim, int ropeDim, float base, float[] freqFactors) {
        this(style, headDim, ropeDim, Scaling.of(base).withFreqFactors(freqFactors));
    }

    /** Rope with any scaling. */
    public Rope(Style style, int headDim, int ropeDim, Scaling scaling) {
        this(style, headDim, ropeDim, scaling, null, 0);
    }

    private Rope(Style style, int headDim, int ropeDim, Scaling scaling, Rope longContext, int origContext) {
        if (ropeDim > headDim || ropeDim % 2 != 0 || ropeDim <= 0) {
            throw new IllegalArgumentException("rope dimension " + ropeDim + " must be even, positive and at most " + headDim);
        }
        if (scaling.freqFactors() != null && scaling.freqFactors().length < ropeDim / 2) {
            throw new IllegalArgumentException("rope frequency factors have " + scaling.freqFactors().length
                    + " values, need " + ropeDim / 2);
        }
        this.style = style;
        this.headDim = headDim;
        this.ropeDim = ropeDim;
        this.s = scaling;
        this.longContext = longContext;
        this.origContext = origContext;
        this.thetaScale = (float) StrictMath.pow(scaling.base(), -2.0f / ropeDim); // once, the same everywhere
        // ggml_rope_yarn_corr_dims: the pair dimensions where betaFast and betaSlow rotations fit the context
        // (transformers' find_correction_range, which may leave them unrounded)
        if (scaling.extFactor() != 0f) {
            double low = corrDim(scaling.betaFast());
            double high = corrDim(scaling.betaSlow());
            this.corrLow = Math.max(0f, (float) (scaling.truncate() ? Math.floor(low) : low));
            this.corrHigh = Math.min(ropeDim - 1f, (float) (scaling.truncate() ? Math.ceil(high) : high));
        } else {
            this.corrLow = 0f;
            this.corrHigh = 0f;
        }
        // rope_yarn's magnitude correction for interpolation, the same for every pair and position
        this.mscale = scaling.extFactor() != 0f
                ? scaling.attnFactor() * (1.0f + 0.1f * (float) StrictMath.log(1.0f / scaling.freqScale()))
                : scaling.attnFactor();
    }

    private double corrDim(float rotations) {
        return ropeDim * StrictMath.log(s.origContext() / (rotations * 2 * Math.PI)) / (2 * StrictMath.log(s.base()));
    }

    /** Values per head that are rotated. */
    public int ropeDim() {
        return ropeDim;
    }

    /**
     * LongRoPE: this rope (made with the short factors) for sequences whose context holds at most
     * {@code origContext} positions, {@code longRope} (the long factors) for longer ones.
     */
    public Rope withLongContext(int origContext, Rope longRope) {
        if (origContext <= 0 || longRope.style != style || longRope.headDim != headDim || longRope.ropeDim != ropeDim) {
            throw new IllegalArgumentException("a long-context rope must rotate the same values, after a positive context");
        }
        return new Rope(style, headDim, ropeDim, s, longRope, origContext);
    }

    /**
     * The rope of a sequence whose cache holds at most {@code maxContext} positions: with LongRoPE the
     * long factors when that exceeds the original context, as llama.cpp chooses (by the context size,
     * {@code n_ctx_per_seq > n_ctx_orig}). transformers chooses by the length reached so far, so a
     * sequence growing past the original context mixes keys rotated both ways; here every key of a
     * sequence is rotated alike, and short sequences in short caches match transformers exactly.
     */
    public Rope forContext(int maxContext) {
        return longContext != null && maxContext > origContext ? longContext : this;
    }

    /** Rotates {@code numHeads} heads stored one after another at {@code off} for position {@code pos}. */
    public void apply(float[] x, int off, int numHeads, int pos) {
        apply(x, off, numHeads, pos, Transcendentals.FAST);
    }

    /** {@link #apply(float[], int, int, int)} with the cos and sin of {@code math}. */
    public void apply(float[] x, int off, int numHeads, int pos, Transcendentals math) {
        // cos/sin per pair, shared by all heads
        int half = ropeDim / 2;
        float[] cos = new float[half];
        float[] sin = new float[half];
        angles(pos, cos, sin, 0, math);
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

    /**
     * The cos and sin of every rotated pair at position {@code pos}, (ropeDim / 2) values each from
     * {@code off}: the angles this rope rotates by (the trainer tabulates them from here too).
     */
    public void angles(int pos, float[] cos, float[] sin, int off, Transcendentals math) {
        float theta = pos;
        for (int i = 0; i < ropeDim / 2; i++) {
            float extrap = s.freqFactors() == null ? theta : theta / s.freqFactors()[i];
            angle(extrap, 2 * i, cos, sin, off + i, math);
            theta *= thetaScale;
        }
    }

    /** ggml's rope_yarn: the interpolated angle, blended toward the extrapolated one by YaRN's ramp. */
    private void angle(float thetaExtrap, int i0, float[] cos, float[] sin, int i, Transcendentals math) {
        float thetaInterp = s.freqScale() * thetaExtrap;
        float theta = thetaInterp;
        if (s.extFactor() != 0f) {
            float y = (i0 / 2 - corrLow) / Math.max(0.001f, corrHigh - corrLow);
            float rampMix = (1 - Math.min(1f, Math.max(0f, y))) * s.extFactor();
            theta = thetaInterp * (1 - rampMix) + thetaExtrap * rampMix;
        }
        cos[i] = (float) math.cos(theta) * mscale;
        sin[i] = (float) math.sin(theta) * mscale;
    }
}
