package jllm.compress.coder;

/**
 * Integer frequencies of an alphabet, as cumulative counts: symbol s owns {@code [cum[s], cum[s + 1])}
 * of {@code [0, total)}. Every symbol has a non-zero frequency, so every symbol can be coded.
 */
public final class FrequencyTable {
    private final int[] cum; // (n + 1) cumulative counts, cum[0] = 0

    private FrequencyTable(int[] cum) {
        this.cum = cum;
    }

    /** From frequencies (each at least 1, summing to at most {@link RangeEncoder#MAX_TOTAL}); copies them. */
    public static FrequencyTable of(int[] freq) {
        int[] cum = new int[freq.length + 1];
        long sum = 0;
        for (int i = 0; i < freq.length; i++) {
            if (freq[i] <= 0) {
                throw new IllegalArgumentException("symbol " + i + " has frequency " + freq[i] + "; every symbol needs at least 1");
            }
            sum += freq[i];
            if (sum > RangeEncoder.MAX_TOTAL) {
                throw new IllegalArgumentException("frequencies sum past " + RangeEncoder.MAX_TOTAL);
            }
            cum[i + 1] = (int) sum;
        }
        return new FrequencyTable(cum);
    }

    /** Wraps cumulative counts already built ({@code cum[0] = 0}, strictly increasing); does not copy. */
    public static FrequencyTable ofCumulative(int[] cum) {
        return new FrequencyTable(cum);
    }

    public int size() {
        return cum.length - 1;
    }

    public int total() {
        return cum[cum.length - 1];
    }

    public int low(int symbol) {
        return cum[symbol];
    }

    public int freq(int symbol) {
        return cum[symbol + 1] - cum[symbol];
    }

    /** The symbol whose interval holds {@code target} (binary search). */
    public int find(int target) {
        int lo = 0;
        int hi = cum.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (cum[mid] <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Codes {@code symbol}. */
    public void encode(RangeEncoder enc, int symbol) {
        enc.encode(cum[symbol], freq(symbol), total());
    }

    /** Decodes one symbol. */
    public int decode(RangeDecoder dec) {
        int total = total();
        int s = find(dec.target(total));
        dec.consume(cum[s], freq(s), total);
        return s;
    }

    /** Bits this table spends on {@code symbol}: -log2(freq / total). */
    public double bits(int symbol) {
        return -Math.log((double) freq(symbol) / total()) / Math.log(2);
    }
}
