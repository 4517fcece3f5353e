package jllm.model;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The recurrent state of one sequence of a state-space model (Mamba): per layer a fixed number of
 * floats (its convolution window and SSM state) summarizing every position consumed so far. It does not
 * grow with the sequence: memory is constant in sequence length.
 *
 * <p>A state cannot forget single positions, so it keeps a few checkpoints: a copy of itself at the end
 * of each of the last {@value #CHECKPOINTS} forward calls. {@link #truncate} goes back to the latest
 * checkpoint at or before the requested length (to the empty state at worst) and the caller
 * re-evaluates the tokens from there (a follow-up chat turn that extends the history needs none; a
 * turn that re-tokenizes the last reply differently goes back a few decode steps).
 */
public final class RecurrentState implements KvCache {
    /** Forward calls whose end state is kept for rewinding. */
    static final int CHECKPOINTS = 8;

    private record Checkpoint(int length, float[][] state) {
    }

    private final int numLayers;
    private final int width;
    private final int maxContext;
    private final float[][] state; // (numLayers)(width)
    private final ArrayDeque<Checkpoint> checkpoints = new ArrayDeque<>(); // oldest first, lengths increasing
    private int length;

    /**
     * @param numLayers  layers
     * @param width      floats of state per layer
     * @param maxContext most positions the sequence may have
     */
    public RecurrentState(int numLayers, int width, int maxContext) {
        if (maxContext <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + maxContext);
        }
        this.numLayers = numLayers;
        this.width = width;
        this.maxContext = maxContext;
        this.state = new float[numLayers][width];
    }

    /** The state of one layer, (width): read and updated in place by that layer. */
    public float[] layer(int layer) {
        return state[layer];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int maxContext() {
        return maxContext;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a state of " + length + " positions to " + newLength);
        }
        if (newLength == length) {
            return;
        }
        while (!checkpoints.isEmpty() && checkpoints.peekLast().length() > newLength) {
            checkpoints.removeLast();
        }
        Checkpoint c = checkpoints.peekLast();
        for (int l = 0; l < numLayers; l++) {
            if (c == null) {
                Arrays.fill(state[l], 0f);
            } else {
                System.arraycopy(c.state()[l], 0, state[l], 0, width);
            }
        }
        length = c == null ? 0 : c.length();
    }

    @Override
    public void ensureCapacity(int endExclusive) {
        if (endExclusive > maxContext) {
            throw new ContextOverflowException(endExclusive, maxContext);
        }
    }

    /** Marks the positions consumed and keeps a checkpoint of the state there (dropping the oldest). */
    @Override
    public void advanceTo(int endExclusive) {
        length = Math.max(length, endExclusive);
        float[][] copy = !checkpoints.isEmpty() && checkpoints.peekLast().length() == length ? checkpoints.removeLast().state()
                : checkpoints.size() == CHECKPOINTS ? checkpoints.removeFirst().state() : new float[numLayers][width];
        for (int l = 0; l < numLayers; l++) {
            System.arraycopy(state[l], 0, copy[l], 0, width);
        }
        checkpoints.addLast(new Checkpoint(length, copy));
    }

    /** The state and its checkpoints, whatever the context. */
    @Override
    public long bytesAtFullContext() {
        return (1L + CHECKPOINTS) * numLayers * width * Float.BYTES;
    }
}
