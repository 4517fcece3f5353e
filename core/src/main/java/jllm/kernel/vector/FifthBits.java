package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.I;

import jdk.incubator.vector.IntVector;

/**
 * The fifth bits of Q5_0 / Q5_1, stored as one 32-bit word per block, spread over int lanes: {@link
 * Q5_0Dot} and {@link Q5_1Dot} broadcast the word shifted right by the first column j of the pass and
 * shift lane k right by {@code IOTA[k] = k}, so that bit j + k is bit 0 of lane k (and bit j + k + 16
 * its bit 16), to be moved to bit 4 beside the nibble. The dots write those steps out rather than call
 * a helper: see {@link Lanes} on helpers in kernels.
 */
final class FifthBits {

    /** 0, 1, 2, ... one per int lane. */
    static final IntVector IOTA = IntVector.zero(I).addIndex(1);

    private FifthBits() {
    }
}
