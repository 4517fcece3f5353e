package jllm.kernel.vector;

import java.lang.foreign.MemorySegment;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.RowDot;

/**
 * A row dot written as a span kernel ({@link RowDot#dotSpan}: blocks [from, to) continuing running sums
 * kept in a float array) and its finish ({@link RowDot#spanResult}). A whole row is one span, so the
 * single-row dot and the runs read side by side ({@link RowDot#dotRuns}) run the same code on the same
 * values: the same bits. The running sums are vectors stored to and loaded from the array around each
 * span (exact), never passed to or returned from a call (a vector crossing a call C2 does not inline is
 * boxed, see {@link Lanes}).
 */
abstract class SpanDot implements RowDot {

    private final int state;
    private final int columns;

    /**
     * @param state   floats of running sums a row keeps between spans
     * @param columns columns per block
     */
    SpanDot(int state, int columns) {
        this.state = state;
        this.columns = columns;
    }

    @Override
    public final float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] sums = new float[state];
        dotSpan(w, offset, x, 0, cols / columns, sums, 0);
        return spanResult(w, offset, x, cols, sums, 0);
    }

    @Override
    public final int spanState() {
        return state;
    }

    @Override
    public final int spanColumns() {
        return columns;
    }

    @Override
    public abstract void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at);

    @Override
    public abstract float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at);
}
