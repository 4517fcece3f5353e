package jllm.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recurrent state of one sequence of a state-space model (Mamba): per layer a fixed number of
 * floats (its convolution window and SSM state) summarizing every position consumed so far. It does not
 * grow with the sequence: memory is constant in sequence length.
 *
 * <p>A state cannot forget single positions, so it keeps up to {@value #CHECKPOINTS} checkpoints: copies
 * of itself at the end of forward calls (a prompt, a decode step). When they are all taken, the one
 * whose loss leaves the smallest gap goes, so they stay spread over the sequence: a prompt's end
 * outlives the decode steps after it. {@link #truncate} goes back to the latest checkpoint at or before
 * the requested length (to the empty state at worst) and the caller re-evaluates the tokens from there:
 * a follow-up chat turn that extends the history needs nothing; one that re-tokenizes the last reply
 * differently goes back to a decode step or the end of the previous prompt.
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
    private final List<Checkpoint> checkpoints = new ArrayList<>(); // lengths increasing
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
        while (!checkpoints.isEmpty() && checkpoints.getLast().length() > newLength) {
            checkpoints.removeLast();
        }
        Checkpoint c = checkpoints.isEmpty() ? null : checkpoints.getLast();
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

    /** Marks the positions consumed and keeps a checkpoint of the state there. */
    @Override
    public void advanceTo(int endExclusive) {
        length = Math.max(length, endExclusive);
        float[][] copy = !checkpoints.isEmpty() && checkpoints.getLast().length() == length ? checkpoints.removeLast().state()
                : checkpoints.size() == CHECKPOINTS ? checkpoints.remove(leastUseful()).state() : new float[numLayers][width];
        for (int l = 0; l < numLayers; l++) {
            System.arraycopy(state[l], 0, copy[l], 0, width);
        }
        checkpoints.add(new Checkpoint(length, copy));
    }

    /**
     * The checkpoint whose removal leaves the smallest gap between its neighbours (the empty state
     * included), the oldest on ties; never the latest, the one a rewind by a token or two needs.
     */
    private int leastUseful() {
        int best = 0;
        int bestGap = Integer.MAX_VALUE;
        for (int i = 0; i < checkpoints.size() - 1; i++) {
            int before = i == 0 ? 0 : checkpoints.get(i - 1).length();
            int after = checkpoints.get(i + 1).length();
            if (after - before < bestGap) {
                best = i;
                bestGap = after - before;
            }
        }
        return best;
    }

    /** The state and its checkpoints, whatever the context. */
    @Override
    public long bytesAtFullContext() {
        return (1L + CHECKPOINTS) * numLayers * width * Float.BYTES;
    }
}
