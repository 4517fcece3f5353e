package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The per-group scale searches of ggml's K-quant reference quantizers: given a group of values, pick
 * integer levels and a scale (and a min) that minimise a weighted error. Shared by the {@code quantizeBlock}
 * of Q4_K, Q5_K and Q6_K. The float operations follow ggml's order one by one, because the output must
 * match {@code llama-quantize} byte for byte: a different summation order picks different levels.
 */
final class KQuantFit {

    /** ggml's GROUP_MAX_EPS: a group whose largest magnitude is below this is all zeros. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuantFit() {
    }

    /**
     * ggml's {@code make_qkx2_quants}: levels {@code L[i]} in {@code 0..nmax} with {@code x ~ scale * L - min}
     * (min >= 0), trying {@code nstep + 1} scales {@code (rmin + rdelta * is + nmax) / (max - min)} and
     * keeping the one with the least weighted squared error (a least-squares fit of scale and min for
     * each candidate's levels). With {@code absError} the error is the weighted absolute error instead
     * (ggml's {@code use_mad}, used by Q2_K).
     *
     * @param n      group size
     * @param x      values {@code x[off .. off + n)}
     * @param levels out: levels {@code levels[lOff .. lOff + n)}
     * @param minOut out: {@code minOut[0]} receives the min (a non-negative number subtracted)
     * @return the scale
     */
    static float scaleMin(int n, int nmax, float[] x, int off, float[] weights, byte[] levels, int lOff,
            float[] minOut, float rmin, float rdelta, int nstep, boolean absError) {
        float min = x[off];
        float max = x[off];
        float sumW = weights[0];
        float sumX = sumW * x[off];
        for (int i = 1; i < n; i++) {
            float v = x[off + i];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                levels[lOff + i] = 0;
            }
            minOut[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestMad = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(0, Math.min(nmax, Numbers.nearestInt(iscale * (x[off + i] - min))));
            levels[lOff + i] = (byte) l;
            float diff = scale * l + min - x[off + i];
            bestMad += weights[i] * (absError ? Math.abs(diff) : diff * diff);
        }
        byte[] aux = new byte[n];
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, Numbers.nearestInt(iscale * (x[off + i] - min))));
                aux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[off + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float mad = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[off + i];
                    mad += weights[i] * (absError ? Math.abs(diff) : diff * diff);
                }
                if (mad < bestMad) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestMad = mad;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[0] = -min;
        return scale;
    }

    /**
     * ggml's {@code make_qx_quants} with {@code rmse_type} 1 and no importance weights: symmetric levels
     * {@code L[i] - nmax} in {@code -nmax..nmax-1}, the value of largest magnitude mapping to {@code -nmax};
     * 19 nearby scales are tried and the one with the least {@code x^2}-weighted squared error is kept.
     *
     * @return the scale; {@code levels[lOff + i]} receive {@code l + nmax}
     */
    static float symmetric(int n, int nmax, float[] x, int off, byte[] levels, int lOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[off + i]);
            if (ax > amax) {
                amax = ax;
                max = x[off + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                levels[lOff + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, Numbers.nearestInt(iscale * v)));
            levels[lOff + i] = (byte) (l + nmax);
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[off + i];
                int l = Math.max(-nmax, Math.min(nmax - 1, Numbers.nearestInt(iscale * v)));
                float w = v * v;
                sumLX += w * v * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    int l = Numbers.nearestInt(iscale * x[off + i]);
                    levels[lOff + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
                }
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }

    /**
     * The shared part of {@code quantize_row_q4_K_ref} and {@code quantize_row_q5_K_ref}: fits scale and
     * min per sub-block of 32 ({@link #scaleMin}, weights {@code rms + |x|}), stores {@code d, dmin} and the
     * twelve packed 6-bit scale/min bytes at {@code dst[offset ..]}, and leaves in {@code levels[0..256)}
     * the final levels, requantized against the stored 6-bit scales.
     */
    static void scaleMinBlock(MemorySegment dst, long offset, float[] x, int off, int nmax, float rmin,
            int nstep, byte[] levels) {
        float[] scales = new float[8];
        float[] mins = new float[8];
        float[] weights = new float[32];
        float[] minOut = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) {
                float v = x[off + 32 * j + l];
                sumX2 += v * v;
            }
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) {
                weights[l] = avX + Math.abs(x[off + 32 * j + l]);
            }
            scales[j] = scaleMin(32, nmax, x, off + 32 * j, weights, levels, 32 * j, minOut, rmin, 0.1f, nstep, false);
            mins[j] = minOut[0];
            if (scales[j] > maxScale) {
                maxScale = scales[j];
            }
            if (mins[j] > maxMin) {
                maxMin = mins[j];
            }
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        byte[] packed = new byte[12];
        for (int j = 0; j < 8; j++) {
            // ggml stores nearest_int in a uint8_t before clamping to 63
            int ls = Math.min(63, Numbers.nearestInt(invScale * scales[j]) & 0xFF);
            int lm = Math.min(63, Numbers.nearestInt(invMin * mins[j]) & 0xFF);
            if (j < 4) {
                packed[j] = (byte) ls;
                packed[j + 4] = (byte) lm;
            } else {
                packed[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                packed[j - 4] |= (byte) ((ls >> 4) << 6);
                packed[j] |= (byte) ((lm >> 4) << 6);
            }
        }
        short dBits = Float.floatToFloat16(maxScale / 63f);
        short dminBits = Float.floatToFloat16(maxMin / 63f);
        dst.set(Numbers.LE_SHORT, offset, dBits);
        dst.set(Numbers.LE_SHORT, offset + 2, dminBits);
        MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, offset + 4, 12);
        float d16 = Float.float16ToFloat(dBits);
        float dmin16 = Float.float16ToFloat(dminBits);
        for (int j = 0; j < 8; j++) {
            float d = d16 * KScales.q4Scale(dst, offset + 4, j);
            if (d == 0) {
                continue;
            }
            float dm = dmin16 * KScales.q4Min(dst, offset + 4, j);
            for (int i = 0; i < 32; i++) {
                int l = Numbers.nearestInt((x[off + 32 * j + i] + dm) / d);
                levels[32 * j + i] = (byte) Math.max(0, Math.min(nmax, l));
            }
        }
    }

    /**
     * ggml's {@code make_q3_quants} with {@code do_rmse}: symmetric levels in {@code -nmax..nmax-1} from
     * the largest magnitude, then up to five passes that move single levels while that improves the
     * {@code x^2}-weighted least-squares fit.
     *
     * @return the scale; {@code levels[lOff + i]} receive {@code l + nmax}
     */
    static float symmetricRefined(int n, int nmax, float[] x, int off, byte[] levels, int lOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[off + i]);
            if (ax > amax) {
                amax = ax;
                max = x[off + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                levels[lOff + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        int[] l = new int[n];
        float sumLX = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            l[i] = Math.max(-nmax, Math.min(nmax - 1, Numbers.nearestInt(iscale * v)));
            float w = v * v;
            sumLX += w * v * l[i];
            sumL2 += w * l[i] * l[i];
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float v = x[off + i];
                float w = v * v;
                float slx = sumLX - w * v * l[i];
                if (slx > 0) {
                    float sl2 = sumL2 - w * l[i] * l[i];
                    int newL = Math.max(-nmax, Math.min(nmax - 1, Numbers.nearestInt(v * sl2 / slx)));
                    if (newL != l[i]) {
                        slx += w * v * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * sumL2 > sumLX * sumLX * sl2) {
                            l[i] = newL;
                            sumLX = slx;
                            sumL2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            levels[lOff + i] = (byte) (l[i] + nmax);
        }
        return sumLX / sumL2;
    }
}
