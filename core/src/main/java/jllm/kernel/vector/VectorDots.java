package jllm.kernel.vector;

import jllm.kernel.scalar.RowDot;
import jllm.tensor.GgmlType;

/**
 * The registry of SIMD row dots, at most one per weight type. Each computes what the reference codec
 * in {@code jllm.kernel.scalar} computes, from the same prepared activation, differing only in the
 * order of float rounding.
 */
public final class VectorDots {

    private VectorDots() {
    }

    /** The fast row dot for {@code type}, or {@code null} when there is none on this machine. */
    public static RowDot forType(GgmlType type) {
        if (!Lanes.WIDE || (Lanes.L != 8 && Lanes.L != 16)) {
            return null; // the quant layouts assume 8 or 16 float lanes
        }
        return switch (type) {
            case F32 -> new F32Dot();
            case F16 -> new F16Dot();
            case BF16 -> new BF16Dot();
            case Q8_0 -> new Q8_0Dot();
            case Q4_0 -> new Q4_0Dot();
            case Q4_1 -> new Q4_1Dot();
            case Q5_0 -> new Q5_0Dot();
            case Q5_1 -> new Q5_1Dot();
            case IQ4_NL -> new IQ4_NLDot();
            case MXFP4 -> new MXFP4Dot();
            case Q2_K -> new Q2_KDot();
            case Q3_K -> new Q3_KDot();
            case Q4_K -> new Q4_KDot();
            case Q5_K -> new Q5_KDot();
            case Q6_K -> new Q6_KDot();
            default -> null;
        };
    }

    /** The instruction set the preferred species suggests, e.g. {@code "AVX-512"} or {@code "NEON"}. */
    public static String isa() {
        int bits = Lanes.F.vectorBitSize();
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            return bits >= 512 ? "AVX-512" : bits >= 256 ? "AVX2" : "SSE, " + bits + "-bit";
        }
        if (arch.equals("aarch64")) {
            return bits > 128 ? "SVE, " + bits + "-bit" : "NEON";
        }
        return bits + "-bit";
    }
}
