package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.I;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The fifth bits of Q5_0 / Q5_1, stored as one 32-bit word per block, spread over float lanes: lane k
 * gets 16 when bit {@code first + k} is set, else 0. Shared by {@link Q5_0Dot} and {@link Q5_1Dot}.
 */
final class FifthBits {

    /** 0, 1, 2, ... one per int lane. */
    private static final IntVector IOTA = IntVector.zero(I).addIndex(1);

    private FifthBits() {
    }

    /** 16 * bit {@code first + k} of {@code qh}, in lane k. */
    static FloatVector of(int qh, int first) {
        IntVector bits = IntVector.broadcast(I, qh >>> first).lanewise(VectorOperators.LSHR, IOTA).and(1);
        return (FloatVector) bits.lanewise(VectorOperators.LSHL, 4).convertShape(VectorOperators.I2F, F, 0);
    }
}
