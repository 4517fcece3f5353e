package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.B;
import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.ActivationFormat;
import jllm.kernel.scalar.Numbers;

/**
 * Activation rows prepared with the Vector API where that pays: Q8_0 (the activation format of Q8_0,
 * Q4_0, Q5_0, IQ4_NL and MXFP4 weights), with the same bits as {@link ActivationFormat#quantize} for finite
 * values; other formats go to that reference. The scalar quantizer spent about 10% of a 135M model's
 * prompt time (its loops of 32 are unrolled by C2, not vectorized).
 */
public final class VectorQuantizer {
    /** 1.5 * 2^23: adding and subtracting it rounds a float below 2^22 in magnitude to an integer, ties to even. */
    private static final float ROUND = 12582912f;

    private VectorQuantizer() {
    }

    /** Prepares {@code x[offset .. offset + length)} in {@code format}. */
    public static Activation quantize(ActivationFormat format, float[] x, int offset, int length) {
        if (format != ActivationFormat.Q8_0 || length % 32 != 0 || 32 % L != 0 || B.length() != L) {
            return format.quantize(x, offset, length);
        }
        int blocks = length / 32;
        byte[] qs = new byte[length];
        float[] values = new float[length];
        float[] d = new float[blocks];
        float[] scaled = new float[length];
        for (int b = 0; b < blocks; b++) {
            int base = offset + b * 32;
            FloatVector m = FloatVector.zero(F);
            for (int j = 0; j < 32; j += L) {
                m = m.max(FloatVector.fromArray(F, x, base + j).abs());
            }
            float amax = m.reduceLanes(VectorOperators.MAX);
            // as the reference: quants from the unrounded inverse scale 127 / amax, the stored d in F16
            float inverse = amax != 0 ? 127f / amax : 0.0f;
            float db = Numbers.roundToF16(amax / 127);
            d[b] = db;
            for (int j = 0; j < 32; j += L) {
                // |x * inverse| <= 127 (plus rounding), so the ROUND trick is Math.rint exactly
                FloatVector q = FloatVector.fromArray(F, x, base + j).mul(inverse).add(ROUND).sub(ROUND);
                q.intoArray(values, b * 32 + j);
                q.mul(db).intoArray(scaled, b * 32 + j);
                ((ByteVector) q.convertShape(VectorOperators.F2B, B, 0)).intoArray(qs, b * 32 + j);
            }
        }
        return Activation.q8_0(qs, values, d, scaled);
    }
}
