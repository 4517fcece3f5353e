package jllm.kernel.scalar;

/**
 * A float exponential built only from IEEE-exact operations (multiply, add, fused multiply-add, integer
 * bit arithmetic), so the scalar reference and a SIMD version give identical bits whether code runs
 * interpreted or compiled. {@code Math.exp} in a vector lane ({@code VectorOperators.EXP}) does not: its
 * interpreted fallback and its compiled intrinsic differ in the last bit, which would make training runs
 * depend on JIT timing and break exact resumption.
 *
 * <p>Method (Cephes {@code expf}): n = round(x·log2 e), r = x − n·ln 2 (in two parts), e^r by a degree-6
 * polynomial, times 2^n built from the exponent bits. Relative error below 2 ulp on [-87, 88]; inputs are
 * clamped to that range (e^-87 ≈ 1.6e-38, e^88 ≈ 1.7e38).
 */
public final class Exp {
    /** Lower clamp. */
    public static final float MIN = -87.0f;
    /** Upper clamp. */
    public static final float MAX = 88.0f;
    public static final float LOG2E = 1.44269504088896341f;
    /** 1.5 · 2^23: adding and subtracting it rounds a float to the nearest integer. */
    public static final float ROUND = 12582912.0f;
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;
    public static final float P0 = 1.9875691500e-4f;
    public static final float P1 = 1.3981999507e-3f;
    public static final float P2 = 8.3334519073e-3f;
    public static final float P3 = 4.1665795894e-2f;
    public static final float P4 = 1.6666665459e-1f;
    public static final float P5 = 5.0000001201e-1f;

    private Exp() {
    }

    /** e^x. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN), MAX);
        // n = round(x / ln 2)
        float n = (x * LOG2E + ROUND) - ROUND;
        // r = x - n ln 2, in two steps to keep the low bits
        float r = Math.fma(-n, LN2_HI, x);
        r = Math.fma(-n, LN2_LO, r);
        // e^r = 1 + r + r^2 (P5 + r (P4 + ...))
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float r2 = r * r;
        float er = Math.fma(p, r2, r) + 1.0f;
        // times 2^n
        return er * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
