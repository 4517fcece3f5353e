package jllm.kernel.scalar;

import java.util.EnumMap;
import java.util.Map;
import jllm.tensor.GgmlType;

/**
 * The registry of reference codecs, one per weight type jllm can compute with. Adding a quant type
 * means writing its {@link BlockCodec} and adding it to {@link #ALL}.
 */
public final class Codecs {

    private static final Map<GgmlType, BlockCodec> ALL = new EnumMap<>(GgmlType.class);

    static {
        for (BlockCodec c : new BlockCodec[] {
                new F32Codec(), new F16Codec(), new BF16Codec(),
                new Q4_0Codec(), new Q4_1Codec(), new Q5_0Codec(), new Q5_1Codec(), new Q8_0Codec(),
                new Q2_KCodec(), new Q3_KCodec(), new Q4_KCodec(), new Q5_KCodec(), new Q6_KCodec(),
                new IQ4_NLCodec(), new MXFP4Codec()}) {
            ALL.put(c.type(), c);
        }
    }

    private Codecs() {
    }

    /** The codec for {@code type}, or {@code null} when jllm cannot compute with it. */
    public static BlockCodec forType(GgmlType type) {
        return ALL.get(type);
    }
}
