package jllm.compress;

import jllm.compress.coder.FrequencyTable;
import jllm.compress.coder.RangeEncoder;
import jllm.kernel.scalar.Exp;

/**
 * Logits to integer frequencies, reproducibly: the encoder and the decoder must build bit-identical
 * tables from bit-identical logits, on any thread, interpreted or compiled.
 *
 * <p>Softmax in a fixed order: the maximum, then {@code e_i = exp(l_i - max)} by {@link Exp} (built from
 * IEEE-exact operations only, unlike {@code Math.exp} in vector lanes), summed in index order in
 * double. Then {@code freq_i = 1 + floor(e_i * (TOTAL - 2n) / sum)}: every token keeps a non-zero
 * frequency and the total stays below {@code TOTAL} (2^24).
 */
public final class TokenFrequencies {
    /** The frequency budget: the coder's maximum total. */
    public static final int TOTAL = RangeEncoder.MAX_TOTAL;

    private TokenFrequencies() {
    }

    /**
     * The table for symbols {@code 0..n-1} from {@code logits[off, off + n)}.
     *
     * @throws IllegalStateException when a logit is NaN or infinite (a broken model)
     */
    public static FrequencyTable from(float[] logits, int off, int n) {
        if (n <= 0 || n >= TOTAL / 2) {
            throw new IllegalArgumentException("cannot code an alphabet of " + n + " tokens (at most " + (TOTAL / 2 - 1) + ")");
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]); // a NaN anywhere makes max NaN
        }
        if (!Float.isFinite(max)) {
            throw new IllegalStateException("the model produced a non-finite logit (" + max + ")");
        }
        float[] e = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            e[i] = Exp.exp(logits[off + i] - max);
            sum += e[i];
        }
        // n spare counts absorb any rounding in sum and scale, so the total stays within TOTAL
        double scale = (TOTAL - 2 * n) / sum;
        int[] cum = new int[n + 1];
        int c = 0;
        for (int i = 0; i < n; i++) {
            c += 1 + (int) (e[i] * scale);
            cum[i + 1] = c;
        }
        return FrequencyTable.ofCumulative(cum);
    }
}
