package jllm.kernel;

/**
 * How many independent memory streams one thread reads in a matrix-vector product (a decoding step's
 * matmuls): 1 reads a contiguous run of rows; S cuts each tensor into S equal bands and reads the same
 * rows of every band side by side, block by block, where the weight type's row dot can
 * ({@link jllm.kernel.scalar.RowDot#runsSideBySide}: Q8_0 on 512-bit vectors, F16); other types read one
 * stream. Decoding waits on DRAM, and one stream per core keeps too few reads in flight: on Intel
 * Xeon (Sapphire Rapids) four Q8_0 streams read 2-3x faster than one; on AMD Zen 4 a 1B Q8_0 model
 * decodes ~10% faster and a 135M one ~20% (docs/performance.md). The results are the same bits whatever
 * the count. The default is {@link #DEFAULT}; {@code -Djllm.streams=1|2|4|8} (or {@code jllm bench
 * --memory-streams}) forces another.
 *
 * @param runs streams per thread: 1, 2, 4 or 8
 */
public record MemoryStreams(int runs) {
    /** One stream per thread. */
    public static final MemoryStreams ONE = new MemoryStreams(1);
    /** Four streams per thread: faster on every CPU measured. */
    public static final MemoryStreams DEFAULT = new MemoryStreams(4);

    /** The system property that forces a count. */
    public static final String PROPERTY = "jllm.streams";

    public MemoryStreams {
        if (runs != 1 && runs != 2 && runs != 4 && runs != 8) {
            throw new IllegalArgumentException("memory streams per thread are 1, 2, 4 or 8, not " + runs);
        }
    }

    /** The count {@link #PROPERTY} forces, else {@link #DEFAULT}. */
    public static MemoryStreams configured() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? DEFAULT : parse(v.trim(), PROPERTY);
    }

    /** A count from its text ("4"); {@code what} names the option in the error. */
    public static MemoryStreams parse(String text, String what) {
        try {
            return new MemoryStreams(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is 1, 2, 4 or 8, not \"" + text + "\"");
        }
    }
}
