package jllm.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.ActivationFormat;
import jllm.kernel.scalar.BlockCodec;
import jllm.kernel.scalar.Codecs;
import jllm.kernel.scalar.DenseOps;
import jllm.kernel.scalar.RowDot;
import jllm.kernel.scalar.ScaledBlocks;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

/**
 * The one matmul driver: checks shapes, prepares the activation rows in the format the weight type
 * expects, splits weight rows into chunks that the threads claim (see {@link WorkerPool}) and runs one {@link RowDot} per
 * output value. Backends differ only in the row dots they plug in.
 */
final class MatmulDriver implements Kernels {


    /** Below this many weight values a matmul runs on the calling thread: a hand-off costs more. */
    private static final long MIN_PARALLEL_VALUES = 1 << 15;

    /**
     * From this many activation rows on, a matmul of quantized weights is a matrix-matrix product over
     * decoded weight panels (see {@link #gemm}); below it, and for F32/F16/BF16 weights, each weight row
     * is dotted with each activation row. (A plain-order GEMM for F16 moved the logits of the shared
     * stories260K F16 file past the oracle's KL budget; llama.cpp sums F16 products in 16 strided lanes.)
     */
    static final int GEMM_MIN_ROWS = 8;
    /** A tensor is cut into memory streams only when each band has at least this many rows. */
    private static final int MIN_RUN_ROWS = 64;
    /** Chunks of weight rows per thread in a matrix-vector product, claimed dynamically. */
    private static final int CHUNKS_PER_THREAD = 8;
    /** Chunk boundaries of a batched row-dot product are multiples of this many rows (see chunkStart). */
    private static final int ROW_GROUP = 4;
    /** Weight rows per panel: the columns of the dense product's right-hand side. */
    private static final int PANEL_ROWS = 64;
    /** Columns of weights decoded per panel step (a multiple of every block size, 256). */
    private static final int PANEL_COLS = 512;
    /** Activation rows are padded to a multiple of this: two vectors of the widest float species. */
    private static final int BATCH_PAD = 32;

    /**
     * Whether batches of {@code type} weights go through {@link #gemm}: quantized types, except Q4_1 and
     * Q5_1, whose ggml dot adds each block's minimum times an F16-rounded activation sum (the GEMM's
     * decoded weights would skip that rounding), and plain types (see GEMM_MIN_ROWS).
     */
    static boolean usesGemm(GgmlType type) {
        return type.isQuantized() && type != GgmlType.Q4_1 && type != GgmlType.Q5_1;
    }

    private final String name;
    private final Map<GgmlType, RowDot> dots;
    private final DenseOps dense;
    private final Quantizer quantizer;
    private final WorkerPool pool;
    private final MemoryStreams streams;

    /** Prepares activation rows: the reference ({@link ActivationFormat#quantize}) or a faster one, same bits. */
    @FunctionalInterface
    private interface Quantizer {
        Activation quantize(ActivationFormat format, float[] x, int offset, int length);
    }

    private MatmulDriver(String name, Map<GgmlType, RowDot> dots, DenseOps dense, Quantizer quantizer, int threads,
                         MemoryStreams streams) {
        this.name = name;
        this.dots = dots;
        this.dense = dense;
        this.quantizer = quantizer;
        this.pool = new WorkerPool(threads);
        this.streams = streams;
    }

    static Kernels scalar() {
        Map<GgmlType, RowDot> dots = new EnumMap<>(GgmlType.class);
        for (GgmlType t : GgmlType.values()) {
            BlockCodec c = Codecs.forType(t);
            if (c != null) {
                dots.put(t, c);
            }
        }
        return new MatmulDriver("scalar", dots, DenseOps.REFERENCE, ActivationFormat::quantize, 1, MemoryStreams.ONE);
    }

    static Kernels vector(int threads, MemoryStreams streams) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        String unit = threads == 1 ? " thread" : " threads";
        if (!JvmOptions.vectorApi()) {
            JvmOptions.warnScalarFallback();
            Map<GgmlType, RowDot> dots = ((MatmulDriver) scalar()).dots;
            return new MatmulDriver("vector(unavailable, scalar codecs, " + threads + unit + ")", dots, DenseOps.REFERENCE,
                    ActivationFormat::quantize, threads, streams);
        }
        Map<GgmlType, RowDot> dots = new EnumMap<>(GgmlType.class);
        for (GgmlType t : GgmlType.values()) {
            BlockCodec c = Codecs.forType(t);
            if (c != null) {
                RowDot fast = jllm.kernel.vector.VectorDots.forType(t);
                dots.put(t, fast != null ? fast : c);
            }
        }
        String streamsNote = streams.equals(MemoryStreams.DEFAULT) ? "" : ", " + streams.runs() + " stream" + (streams.runs() == 1 ? "" : "s");
        return new MatmulDriver("vector(" + jllm.kernel.vector.VectorDots.isa() + ", " + threads + unit + streamsNote + ")",
                dots, new jllm.kernel.vector.VectorDenseOps(), jllm.kernel.vector.VectorQuantizer::quantize, threads, streams);
    }

    @Override
    public void matmul(float[] out, Tensor w, float[] x) {
        matmul(out, w, x, 1);
    }

    @Override
    public void matmul(float[] out, Tensor w, float[] x, int n) {
        matmul(new float[][] {out}, new Tensor[] {w}, x, n);
    }

    @Override
    public void matmul(float[][] outs, Tensor[] ws, float[] x, int n) {
        if (outs.length != ws.length) {
            throw new IllegalArgumentException(outs.length + " outputs for " + ws.length + " weight tensors");
        }
        RowDot[] dotOf = new RowDot[ws.length];
        for (int i = 0; i < ws.length; i++) {
            dotOf[i] = checked(outs[i], ws[i], x, n);
        }
        float[][] xs = new float[ws.length][];
        Arrays.fill(xs, x);
        Activation[][] xsOf = prepared(ws, xs, n);
        if (n == 1) {
            matvec(outs, ws, dotOf, xsOf);
            return;
        }
        boolean[] done = new boolean[ws.length];
        for (int i = 0; i < ws.length; i++) {
            if (done[i]) {
                continue;
            }
            if (n >= GEMM_MIN_ROWS && usesGemm(ws[i].type())) {
                // The tensors of this type that share these prepared rows (a layer's q/k/v, its gate/up)
                // go through one GEMM: one transposition of the activations, one hand-off, and work
                // units spread over all their panels.
                int count = 0;
                int[] members = new int[ws.length];
                for (int j = i; j < ws.length; j++) {
                    if (!done[j] && ws[j].type() == ws[i].type() && xsOf[j] == xsOf[i]) {
                        members[count++] = j;
                        done[j] = true;
                    }
                }
                float[][] groupOuts = new float[count][];
                Tensor[] group = new Tensor[count];
                for (int g = 0; g < count; g++) {
                    groupOuts[g] = outs[members[g]];
                    group[g] = ws[members[g]];
                }
                gemm(groupOuts, group, xsOf[i], n);
            } else {
                multiplyRows(outs[i], ws[i], dotOf[i], xsOf[i], n);
                done[i] = true;
            }
        }
    }

    @Override
    public void matmulEach(float[][] outs, Tensor[] ws, float[][] xs) {
        if (outs.length != ws.length || xs.length != ws.length) {
            throw new IllegalArgumentException(outs.length + " outputs and " + xs.length + " inputs for " + ws.length
                    + " weight tensors");
        }
        RowDot[] dotOf = new RowDot[ws.length];
        for (int i = 0; i < ws.length; i++) {
            dotOf[i] = checked(outs[i], ws[i], xs[i], 1);
        }
        matvec(outs, ws, dotOf, prepared(ws, xs, 1));
    }

    /**
     * The n activation rows of each tensor's input {@code inputs[i]} prepared for its weight type: once per
     * input array, activation format and row length, shared by the tensors that agree on all three (a
     * layer's q/k/v, its gate/up). A prompt's rows are prepared on all threads: a serial pass would leave
     * a core idle.
     */
    private Activation[][] prepared(Tensor[] ws, float[][] inputs, int n) {
        Activation[][] xsOf = new Activation[ws.length][];
        for (int i = 0; i < ws.length; i++) {
            ActivationFormat format = Codecs.forType(ws[i].type()).activationFormat();
            int cols = (int) ws[i].cols();
            float[] x = inputs[i];
            for (int j = 0; j < i && xsOf[i] == null; j++) {
                if (inputs[j] == x && xsOf[j][0].format == format && ws[j].cols() == cols) {
                    xsOf[i] = xsOf[j];
                }
            }
            if (xsOf[i] == null) {
                Activation[] xs = new Activation[n];
                IntConsumer prepare = r -> xs[r] = quantizer.quantize(format, x, r * cols, cols);
                if (n >= GEMM_MIN_ROWS && (long) n * cols >= MIN_PARALLEL_VALUES) {
                    pool.forEachInRanges(n, prepare);
                } else {
                    for (int r = 0; r < n; r++) {
                        prepare.accept(r);
                    }
                }
                xsOf[i] = xs;
            }
        }
        return xsOf;
    }

    /**
     * A batched product (n > 1) of w with its prepared activation rows by row dots (types without a GEMM,
     * batches below GEMM_MIN_ROWS).
     */
    private void multiplyRows(float[] out, Tensor w, RowDot dot, Activation[] xs, int n) {
        int rows = (int) w.rows();
        int cols = (int) w.cols();
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int parts = (long) rows * cols * n < MIN_PARALLEL_VALUES ? 1 : Math.min(pool.threads(), rows);
        // Rows go out in chunks claimed from a shared counter, so a thread that runs faster (its memory
        // closer, its core less busy) takes more of them instead of waiting for the slower one. Which
        // thread computes a row never changes its value.
        int chunks = parts == 1 ? 1 : Math.min(rows, parts * CHUNKS_PER_THREAD);
        AtomicInteger next = new AtomicInteger();
        pool.forEach(parts, part -> {
            int c = next.getAndIncrement();
            if (c >= chunks) {
                return; // a part taken after the work ran out (its thread was late): no scratch for it
            }
            // Row-outer: a weight row is read once from memory and reused for every batch row,
            // decoded once for all of them where the type has a fast path for that.
            float[] scratch = new float[RowDot.SCRATCH_ROWS * cols];
            for (; c < chunks; c = next.getAndIncrement()) {
                int from = chunkStart(rows, c, chunks);
                int to = chunkStart(rows, c + 1, chunks);
                dot.dotRows(data, from * rowBytes, rowBytes, to - from, xs, n, cols, out, from, rows, scratch);
            }
        });
    }

    /**
     * Matrix-vector products of several weight tensors with their prepared activation row, in one
     * hand-off: the weight rows of all tensors go out in chunks (each tensor's in proportion to its rows)
     * that the threads claim from a shared counter. With S > 1 memory streams per thread (see
     * {@link MemoryStreams}), a tensor whose row dot reads S runs side by side ({@link MemoryStreams#appliesTo}) is cut into S equal bands and
     * a chunk is the same rows of every band ({@link RowDot#dotRuns}); rows left over by the cut go out as
     * a chunk of their own.
     */
    private void matvec(float[][] outs, Tensor[] ws, RowDot[] dotOf, Activation[][] xsOf) {
        int m = ws.length;
        long values = 0;
        int totalRows = 0;
        for (Tensor w : ws) {
            values += w.rows() * w.cols();
            totalRows += (int) w.rows();
        }
        int parts = values < MIN_PARALLEL_VALUES ? 1 : Math.min(pool.threads(), totalRows);
        int s = streams.runs();
        int[] chunkTensor = new int[m * 2 + parts * CHUNKS_PER_THREAD + m];
        int[] chunkFrom = new int[chunkTensor.length];
        int[] chunkTo = new int[chunkTensor.length];
        int[] chunkRuns = new int[chunkTensor.length];
        int[] runRows = new int[m];
        int count = 0;
        for (int i = 0; i < m; i++) {
            int rows = (int) ws[i].rows();
            // bands of at least MIN_RUN_ROWS rows, for row dots that read runs side by side; else one stream
            int runs = streams.appliesTo(dotOf[i]) && rows >= s * MIN_RUN_ROWS ? s : 1;
            int band = rows / runs;
            runRows[i] = band;
            int chunks = parts == 1 ? 1
                    : Math.max(1, Math.min(band, (int) ((long) parts * CHUNKS_PER_THREAD * rows / totalRows)));
            for (int c = 0; c < chunks; c++) {
                chunkTensor[count] = i;
                chunkFrom[count] = chunkStart(band, c, chunks);
                chunkTo[count] = chunkStart(band, c + 1, chunks);
                chunkRuns[count] = runs;
                count++;
            }
            if (band * runs < rows) {
                chunkTensor[count] = i;
                chunkFrom[count] = band * runs;
                chunkTo[count] = rows;
                chunkRuns[count] = 1;
                count++;
            }
        }
        int chunkCount = count;
        AtomicInteger next = new AtomicInteger();
        pool.forEach(parts, part -> {
            for (int c = next.getAndIncrement(); c < chunkCount; c = next.getAndIncrement()) {
                int i = chunkTensor[c];
                int from = chunkFrom[c];
                long rowBytes = ws[i].rowBytes();
                if (chunkRuns[c] == 1) {
                    dotOf[i].dotRows(ws[i].data(), from * rowBytes, rowBytes, chunkTo[c] - from, xsOf[i][0],
                            (int) ws[i].cols(), outs[i], from);
                } else {
                    dotOf[i].dotRuns(ws[i].data(), from * rowBytes, runRows[i] * rowBytes, chunkRuns[c], rowBytes,
                            chunkTo[c] - from, xsOf[i][0], (int) ws[i].cols(), outs[i], from, runRows[i]);
                }
            }
        });
    }

    /** The row dot for w's type, after checking the shapes of a product of w with n rows of x into out. */
    private RowDot checked(float[] out, Tensor w, float[] x, int n) {
        RowDot dot = dots.get(w.type());
        if (dot == null) {
            throw new UnsupportedOperationException(name + " kernels cannot compute with " + w.type()
                    + " tensors (tensor " + w + ")");
        }
        int rows = checkedInt(w.rows(), "rows", w);
        int cols = checkedInt(w.cols(), "columns", w);
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + n);
        }
        if (x.length < (long) n * cols) {
            throw new IllegalArgumentException("x has " + x.length + " values; " + n + " rows of " + cols
                    + " = " + (long) n * cols + " needed for " + w);
        }
        if (out.length < (long) n * rows) {
            throw new IllegalArgumentException("out has room for " + out.length + " values; " + n + " rows of "
                    + rows + " = " + (long) n * rows + " needed for " + w);
        }
        return dot;
    }

    /**
     * Where chunk c of {@code chunks} starts: inner boundaries fall on multiples of ROW_GROUP rows, so
     * that batched row dots, which take weight rows in groups, seldom meet a partial group.
     */
    static int chunkStart(int rows, int c, int chunks) {
        if (c >= chunks) {
            return rows;
        }
        int at = (int) ((long) rows * c / chunks);
        return rows >= ROW_GROUP * chunks ? at / ROW_GROUP * ROW_GROUP : at;
    }

    /**
     * The batched products of tensors of one type with the same activation rows, as dense matrix
     * products, weight panel by weight panel (PANEL_ROWS rows, PANEL_COLS columns at a time, decoded to
     * floats and used for every activation row of a column block). The activation rows are transposed once into Xt (cols, n), padded to BATCH_PAD columns and
     * cut into column blocks (see batchBlocks).
     *
     * <p>Weights with one scale per 32-value block and Q8_0 activations (Q8_0, Q4_0, Q5_0, IQ4_NL, MXFP4) keep
     * ggml's block arithmetic: each block's sum of quant products is an exact integer, then scaled by
     * both blocks' scales ({@link DenseOps#multiplyBlockScaled}). Other types multiply the decoded weights
     * with the values the activation quants stand for, one fused multiply-add per term in ascending
     * column order. Either way the weight panel is decoded into the packed layout the dense product reads
     * ({@link DenseOps#multiplyPacked}), 32 contiguous floats per chunk, and each output value is the same
     * sum whatever the thread count, the batch size or the panel its row falls in; it differs from the
     * row-dot path only in the order of rounding.
     *
     * <p>A plain product on the decoded values (d·q on both sides) runs its tile about 15% faster than
     * the block-scaled one, but its logits drift from llama.cpp's ten times further on the shared oracle
     * models (stories260K Q4_0, long prompt: mean |Δ| 0.0049 -> 0.059): ggml's arithmetic stays.
     */
    private void gemm(float[][] outs, Tensor[] ws, Activation[] xs, int n) {
        GgmlType type = ws[0].type();
        int cols = (int) ws[0].cols();
        BlockCodec codec = Codecs.forType(type);
        int block = type.blockSize;
        long blockBytes = type.blockBytes;
        // Block-scaled weights are read as quants and scales (the row dot's fast reader where it has one).
        ScaledBlocks quants = codec instanceof ScaledBlocks ref && codec.activationFormat() == ActivationFormat.Q8_0
                ? (dots.get(type) instanceof ScaledBlocks fast ? fast : ref) : null;
        boolean scaled = quants != null;
        // Xt is padded with zero columns to a multiple of BATCH_PAD, so the dense products never need
        // masked vector tails (C2 compiles masked tails poorly; they would run ~100x slower).
        int np = (n + BATCH_PAD - 1) / BATCH_PAD * BATCH_PAD;
        // The tensors' panels in one sequence: tensor t has panels [panelStart[t], panelStart[t + 1]).
        int[] panelStart = new int[ws.length + 1];
        for (int t = 0; t < ws.length; t++) {
            panelStart[t + 1] = panelStart[t] + (int) ((ws[t].rows() + PANEL_ROWS - 1) / PANEL_ROWS);
        }
        int panels = panelStart[ws.length];
        // Work units are (panel, block of batch columns), claimed dynamically. A matrix with few panels
        // (a 192-row K projection is 3) has its batch split into column blocks, so that both cores stay
        // busy to the end; each block of a panel decodes the panel again, which costs little beside it.
        int blocks = batchBlocks(panels, np, pool.threads());
        int nw = np / blocks;
        float[][] xt = new float[blocks][cols * nw];
        float[][] xd = scaled ? new float[blocks][cols / 32 * nw] : null;
        pool.forEachInRanges(n, i -> {
            Activation a = xs[i];
            float[] t = xt[i / nw];
            int col = i % nw;
            float[] x = a.values;
            if (scaled) {
                float[] d = xd[i / nw];
                for (int b = 0; b < cols / 32; b++) {
                    d[b * nw + col] = a.d[b];
                }
            } else {
                x = new float[cols];
                a.dequantize(x, 0);
            }
            for (int c = 0; c < cols; c++) {
                t[c * nw + col] = x[c];
            }
        });
        long rowBytes = ws[0].rowBytes();
        int kc = Math.min(cols, PANEL_COLS);
        int units = panels * blocks;
        int parts = Math.min(pool.threads(), units);
        AtomicInteger next = new AtomicInteger();
        int pack = DenseOps.PACK_ROWS;
        int chunk = DenseOps.PACK_COLS;
        if (scaled && block != chunk) {
            throw new IllegalStateException(type + ": scaled blocks of " + block + " values, packed chunks of " + chunk);
        }
        pool.forEach(parts, part -> {
            int u = next.getAndIncrement();
            if (u >= units) {
                return; // a part taken after the work ran out (its thread was late): no panels for it
            }
            float[] panel = new float[PANEL_ROWS * kc];
            float[] row = scaled ? null : new float[kc];
            float[] scales = scaled ? new float[PANEL_ROWS * (kc / 32)] : null;
            float[] tile = new float[PANEL_ROWS * nw];
            for (; u < units; u = next.getAndIncrement()) {
                int p = u / blocks;
                int blk = u % blocks;
                int t = 0;
                while (p >= panelStart[t + 1]) {
                    t++;
                }
                MemorySegment data = ws[t].data();
                int rows = (int) ws[t].rows();
                float[] out = outs[t];
                int r0 = (p - panelStart[t]) * PANEL_ROWS;
                int height = Math.min(PANEL_ROWS, rows - r0);
                int m = (height + pack - 1) / pack * pack; // whole row groups; the padding rows are zero
                for (int k0 = 0; k0 < cols; k0 += kc) {
                    int len = Math.min(kc, cols - k0);
                    Arrays.fill(panel, height / pack * pack * len, m * len, 0f);
                    for (int j = 0; j < height; j++) {
                        long offset = (r0 + j) * rowBytes + (long) (k0 / block) * blockBytes;
                        // row j's chunk at column c0 is at group + c0 * pack (DenseOps.packedIndex)
                        int group = j / pack * pack * len + j % pack * chunk;
                        if (scaled) { // a block is a chunk
                            for (int b = 0; b < len / block; b++) {
                                scales[j * (len / 32) + b] = quants.quantsBlock(panel, group + b * chunk * pack, data,
                                        offset + b * blockBytes);
                            }
                        } else {
                            for (int b = 0; b < len / block; b++) {
                                codec.dequantizeBlock(row, b * block, data, offset + b * blockBytes);
                            }
                            for (int c0 = 0; c0 < len; c0 += chunk) {
                                System.arraycopy(row, c0, panel, group + c0 * pack, chunk);
                            }
                        }
                    }
                    if (scaled) {
                        Arrays.fill(scales, height * (len / 32), m * (len / 32), 0f);
                        dense.multiplyBlockScaled(tile, panel, scales, xt[blk], k0 * nw, xd[blk], k0 / 32 * nw, m, len, nw, k0 > 0);
                    } else {
                        dense.multiplyPacked(tile, panel, xt[blk], k0 * nw, m, len, nw, k0 > 0);
                    }
                }
                int i0 = blk * nw;
                int i1 = Math.min(n, i0 + nw);
                // In out's order, each activation row's values contiguous: the other order wrote one
                // float per cache line and took 6% of a prompt's thread time (llama3-1b Q8_0 pp128).
                for (int i = i0; i < i1; i++) {
                    int o = i * rows + r0;
                    for (int j = 0; j < height; j++) {
                        out[o + j] = tile[j * nw + i - i0];
                    }
                }
            }
        });
    }

    /**
     * Into how many column blocks a padded batch of np columns is split for {@link #gemm}: halved
     * while there are fewer than 8 work units per thread and the halves stay multiples of BATCH_PAD.
     */
    static int batchBlocks(int panels, int np, int threads) {
        int blocks = 1;
        while (threads > 1 && (long) panels * blocks < 8L * threads && np % (2 * blocks * BATCH_PAD) == 0) {
            blocks *= 2;
        }
        return blocks;
    }

    @Override
    public void dequantizeRow(float[] dst, int dstOffset, Tensor w, long row) {
        BlockCodec codec = Codecs.forType(w.type());
        if (codec == null) {
            throw new UnsupportedOperationException("cannot dequantize " + w.type() + " tensors (tensor " + w + ")");
        }
        if (row < 0 || row >= w.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " of " + w + ", which has " + w.rows() + " rows");
        }
        int cols = checkedInt(w.cols(), "columns", w);
        if (dstOffset < 0 || dst.length - (long) dstOffset < cols) {
            throw new IllegalArgumentException("dst has " + dst.length + " values; " + cols + " needed at offset "
                    + dstOffset + " for a row of " + w);
        }
        GgmlType t = w.type();
        long offset = row * w.rowBytes();
        for (int b = 0; b < cols / t.blockSize; b++) {
            codec.dequantizeBlock(dst, dstOffset + b * t.blockSize, w.data(), offset + (long) b * t.blockBytes);
        }
    }

    @Override
    public void parallelFor(int count, IntConsumer body) {
        pool.forEachInRanges(count, body);
    }

    @Override
    public void dots(float[] out, int outOff, float[] q, int qOff, float[] k, int kOff, int stride, int count, int n) {
        dense.dots(out, outOff, q, qOff, k, kOff, stride, count, n);
    }

    @Override
    public void weightedSum(float[] out, int outOff, float[] w, int wOff, float[] v, int vOff, int stride, int count, int n) {
        dense.weightedSum(out, outOff, w, wOff, v, vOff, stride, count, n);
    }

    @Override
    public boolean supports(GgmlType type) {
        return dots.containsKey(type);
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return name;
    }

    private static int checkedInt(long v, String what, Tensor w) {
        if (v > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(w + " has " + v + " " + what + "; at most " + (Integer.MAX_VALUE - 8)
                    + " are supported");
        }
        return (int) v;
    }
}
