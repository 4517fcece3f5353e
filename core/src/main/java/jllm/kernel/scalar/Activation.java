package jllm.kernel.scalar;

/**
 * One activation row prepared for dot products with a weight type (see {@link ActivationFormat}).
 *
 * <p>For the Q8 formats the quants are kept twice: as bytes ({@link #qs}, what ggml stores) and as
 * floats ({@link #values}, integer-valued, so vector code can multiply them without widening bytes
 * once per weight row). Scales are already widened to float, after rounding to F16 where ggml stores
 * F16. Instances are immutable after construction and may be shared between threads.
 */
public final class Activation {
    /** The format these values are in. */
    public final ActivationFormat format;
    /** Number of values. */
    public final int length;
    /** F32/F16/BF16: the (rounded) values; Q8 formats: the quants as floats. (length) */
    public final float[] values;
    /** Q8 formats: the quants; otherwise null. (length) */
    public final byte[] qs;
    /** Q8 formats: per-block scale d; otherwise null. (length / blockSize) */
    public final float[] d;
    /** Q8_1: per-block d * sum(q), rounded to F16; otherwise null. (length / 32) */
    public final float[] s;
    /** Q8_K: sum of each 16 consecutive quants; otherwise null. (length / 16) */
    public final int[] bsums;
    /**
     * Q8_0: the values the quants stand for, {@code d * q} (exact: an F16 scale times an 8-bit integer);
     * otherwise null. (length)
     */
    public final float[] scaled;

    private Activation(ActivationFormat format, int length, float[] values, byte[] qs, float[] d, float[] s, int[] bsums,
                       float[] scaled) {
        this.format = format;
        this.length = length;
        this.values = values;
        this.qs = qs;
        this.d = d;
        this.s = s;
        this.bsums = bsums;
        this.scaled = scaled;
    }

    /**
     * The values these quants stand for, written to {@code dst[dstOffset ..]}: {@code d * q} per block for
     * the Q8 formats (exact products of the stored scale and quant), the rounded values otherwise. A dot
     * product with these is the same sum ggml's quantized dot computes, up to the order of rounding.
     */
    public void dequantize(float[] dst, int dstOffset) {
        if (d == null) {
            System.arraycopy(values, 0, dst, dstOffset, length);
            return;
        }
        int bs = format.blockSize;
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = values[i] * d[i / bs];
        }
    }

    /**
     * A Q8_0 row from its parts, for a faster quantizer that computes them exactly as {@link
     * ActivationFormat#quantize} does (the arrays are kept, not copied): quants as bytes and as floats,
     * the F16-rounded scale per block, and the values {@code d * q}.
     */
    public static Activation q8_0(byte[] qs, float[] values, float[] d, float[] scaled) {
        int length = values.length;
        if (qs.length != length || scaled.length != length || d.length * 32 != length) {
            throw new IllegalArgumentException("Q8_0 parts of " + qs.length + ", " + length + ", " + d.length + " and "
                    + scaled.length + " values do not make one row");
        }
        return new Activation(ActivationFormat.Q8_0, length, values, qs, d, null, null, scaled);
    }

    static Activation of(ActivationFormat format, float[] x, int offset, int length) {
        if (length % format.blockSize != 0) {
            throw new IllegalArgumentException(format + " activations need a multiple of " + format.blockSize
                    + " values, not " + length);
        }
        return switch (format) {
            case F32 -> plain(format, x, offset, length);
            case F16 -> {
                Activation a = plain(format, x, offset, length);
                for (int i = 0; i < length; i++) {
                    a.values[i] = Numbers.roundToF16(a.values[i]);
                }
                yield a;
            }
            case BF16 -> {
                Activation a = plain(format, x, offset, length);
                for (int i = 0; i < length; i++) {
                    a.values[i] = Numbers.roundToBf16(a.values[i]);
                }
                yield a;
            }
            case Q8_0 -> q8(format, x, offset, length, false);
            case Q8_1 -> q8(format, x, offset, length, true);
            case Q8_K -> q8K(x, offset, length);
        };
    }

    private static Activation plain(ActivationFormat format, float[] x, int offset, int length) {
        float[] v = new float[length];
        System.arraycopy(x, offset, v, 0, length);
        return new Activation(format, length, v, null, null, null, null, null);
    }

    /**
     * quantize_row_q8_0 / quantize_row_q8_1 as ggml computes them on x86 (its AVX code path, which is
     * what llama.cpp runs on this kind of machine and what the reference logits were made with): the
     * inverse scale is 127 / amax, not 1 / d, and quants round half to even. The generic C reference
     * ({@code _ref}) differs in both, and on rare ties that moves a quant by one step.
     */
    private static Activation q8(ActivationFormat format, float[] x, int offset, int length, boolean withSum) {
        int blocks = length / 32;
        byte[] qs = new byte[length];
        float[] values = new float[length];
        float[] d = new float[blocks];
        float[] s = withSum ? new float[blocks] : null;
        for (int b = 0; b < blocks; b++) {
            int base = offset + b * 32;
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float scale = amax / 127;
            float inverse = amax != 0 ? 127f / amax : 0.0f;
            d[b] = Numbers.roundToF16(scale);
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                // The quants use the unrounded scale; only the stored d is F16, as in ggml.
                int q = (int) Math.rint(x[base + j] * inverse);
                qs[b * 32 + j] = (byte) q;
                values[b * 32 + j] = q;
                sum += q;
            }
            if (withSum) {
                s[b] = Numbers.roundToF16(sum * scale);
            }
        }
        float[] scaled = null;
        if (!withSum) {
            scaled = new float[length];
            for (int i = 0; i < length; i++) {
                scaled[i] = values[i] * d[i / 32];
            }
        }
        return new Activation(format, length, values, qs, d, s, null, scaled);
    }

    /** quantize_row_q8_K_ref: the scale maps the signed value of largest magnitude to -127. */
    private static Activation q8K(float[] x, int offset, int length) {
        int blocks = length / 256;
        byte[] qs = new byte[length];
        float[] values = new float[length];
        float[] d = new float[blocks];
        int[] bsums = new int[length / 16];
        for (int b = 0; b < blocks; b++) {
            int base = offset + b * 256;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            if (amax == 0) {
                continue; // d, quants and sums stay 0
            }
            float iscale = -127.f / max;
            for (int j = 0; j < 256; j++) {
                int q = Math.min(127, Numbers.nearestInt(iscale * x[base + j]));
                qs[b * 256 + j] = (byte) q;
                values[b * 256 + j] = q;
                bsums[b * 16 + j / 16] += q;
            }
            d[b] = 1 / iscale;
        }
        return new Activation(ActivationFormat.Q8_K, length, values, qs, d, null, bsums, null);
    }
}
