package jllm.kernel;

/**
 * How many independent memory streams one thread reads in a matrix-vector product (a decoding step's
 * matmuls): 1 reads a contiguous run of rows; S cuts each tensor into S equal bands and reads the same
 * rows of every band side by side ({@link jllm.kernel.scalar.RowDot#dotRuns}): Q8_0 on 512-bit vectors
 * and F16 block by block, four rows at a time; every other quantized type and BF16 (and Q8_0 on narrower
 * vectors) {@link jllm.kernel.scalar.RowDot#SPAN_BYTES} of each row in turn. Decoding waits on DRAM, and
 * one stream per core keeps too few reads in flight: on Intel Xeon (Sapphire Rapids) four Q8_0 streams
 * read 2-3x faster than one. The results are the same bits whatever the count.
 *
 * <p>The rule, from measurements (docs/performance.md, "Memory streams"), not from the CPU's vendor:
 * {@link #DEFAULT} reads four streams where the row dot reads four rows block by block (on AMD Zen 4 a 1B
 * Q8_0 model decodes ~10% faster so) and one stream for the types read span by span (on Zen 4 their
 * four streams read 2-35% slower: Q4_0 7.7 -> 6.6 GB/s on one core, Q6_K 6.8 -> 4.5). {@code
 * -Djllm.streams=1|2|4|8} (or {@code jllm bench --memory-streams S}) forces S streams for every type;
 * {@code KernelBench -p streams=1,2,4,8} measures them per type on any CPU. (No start-up probe: on a
 * loaded machine it would pick at random, and the speed of a run would depend on it.)
 *
 * @param runs   streams per thread: 1, 2, 4 or 8
 * @param forced whether every type reads {@code runs} streams; else only the types whose row dot reads
 *               four rows block by block ({@link jllm.kernel.scalar.RowDot#runsSideBySide})
 */
public record MemoryStreams(int runs, boolean forced) {
    /** One stream per thread. */
    public static final MemoryStreams ONE = new MemoryStreams(1);
    /** Four streams per thread for the row dots that read four rows block by block, one for the others. */
    public static final MemoryStreams DEFAULT = new MemoryStreams(4, false);

    /** The system property that forces a count. */
    public static final String PROPERTY = "jllm.streams";

    public MemoryStreams {
        if (runs != 1 && runs != 2 && runs != 4 && runs != 8) {
            throw new IllegalArgumentException("memory streams per thread are 1, 2, 4 or 8, not " + runs);
        }
    }

    /** {@code runs} streams per thread for every type. */
    public MemoryStreams(int runs) {
        this(runs, true);
    }

    /** Whether a row dot reads {@code runs()} streams: see the rule above. */
    public boolean appliesTo(jllm.kernel.scalar.RowDot dot) {
        return dot.readsSideBySide(runs) && (forced || dot.runsSideBySide() > 1);
    }

    /** The count {@link #PROPERTY} forces, else {@link #DEFAULT}. */
    public static MemoryStreams configured() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? DEFAULT : parse(v.trim(), PROPERTY);
    }

    /** A count from its text ("4"); {@code what} names the option in the error. */
    public static MemoryStreams parse(String text, String what) {
        int runs;
        try {
            runs = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            runs = 0;
        }
        if (runs != 1 && runs != 2 && runs != 4 && runs != 8) {
            throw new IllegalArgumentException(what + " is 1, 2, 4 or 8, not \"" + text + "\"");
        }
        return new MemoryStreams(runs);
    }
}
