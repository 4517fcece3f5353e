package jllm.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jllm.tensor.GgmlType;

/**
 * What {@code jllm quantize TYPE} writes: one storage type for every weight ({@code pure}, as
 * {@code llama-quantize --pure}), or one of llama.cpp's K-quant mixes ({@code Q4_K_M}, {@code Q5_K_M})
 * that give a few sensitive tensors more bits. {@link #plan} turns a list of tensors into a typed plan
 * of tensor name to type, following llama.cpp's per-tensor rules ({@code llama_tensor_get_type}, commit
 * c392e509) for dense, non-Falcon models:
 * <ul>
 * <li>{@code output.weight} (or {@code token_embd.weight} when there is no separate output) is Q6_K, or
 *     Q8_0 when its rows are not whole blocks of the base type;</li>
 * <li>{@code attn_v.weight} and {@code ffn_down} of the "use more bits" layers (the first and last
 *     eighth, and every third layer between) are Q6_K; {@code attn_qkv.weight} is one K type up;</li>
 * <li>a tensor whose rows are not a multiple of its K type's 256 falls back to Q5_0 (for Q2_K..Q4_K),
 *     Q5_1 (Q5_K) or Q8_0 (Q6_K), and to F16 when even that does not fit.</li>
 * </ul>
 *
 * <pre>{@code
 * QuantMix mix = QuantMix.parse("Q4_K_M");
 * Map<String, GgmlType> plan = mix.plan(List.of(new QuantMix.Weight("blk.0.attn_v.weight", 2, 256)));
 * }</pre>
 *
 * @param name     as the user spells it ({@code Q4_0}, {@code Q4_K_M})
 * @param base     the type of every weight without a rule
 * @param mixed    whether llama.cpp's per-tensor rules apply
 * @param fileType llama.cpp's {@code llama_ftype} number, written as {@code general.file_type}
 */
public record QuantMix(String name, GgmlType base, boolean mixed, int fileType) {

    /** A tensor of the input file, as the plan needs it. */
    public record Weight(String name, int rank, long cols) {
    }

    private static final Map<String, QuantMix> ALL = new LinkedHashMap<>();

    static {
        for (QuantMix m : List.of(
                new QuantMix("F32", GgmlType.F32, false, 0), new QuantMix("F16", GgmlType.F16, false, 1),
                new QuantMix("BF16", GgmlType.BF16, false, 32), new QuantMix("Q8_0", GgmlType.Q8_0, false, 7),
                new QuantMix("Q4_0", GgmlType.Q4_0, false, 2), new QuantMix("Q4_1", GgmlType.Q4_1, false, 3),
                new QuantMix("Q5_0", GgmlType.Q5_0, false, 8), new QuantMix("Q5_1", GgmlType.Q5_1, false, 9),
                // llama-quantize names its pure K files by the mix the bare K type stands for (Q4_K = Q4_K_M)
                new QuantMix("Q2_K", GgmlType.Q2_K, false, 10), new QuantMix("Q3_K", GgmlType.Q3_K, false, 12),
                new QuantMix("Q4_K", GgmlType.Q4_K, false, 15), new QuantMix("Q5_K", GgmlType.Q5_K, false, 17),
                new QuantMix("Q6_K", GgmlType.Q6_K, false, 18),
                // llama-quantize --pure MXFP4_MOE (ftype 38): every weight MXFP4
                new QuantMix("MXFP4", GgmlType.MXFP4, false, 38),
                new QuantMix("Q4_K_M", GgmlType.Q4_K, true, 15), new QuantMix("Q5_K_M", GgmlType.Q5_K, true, 17))) {
            ALL.put(m.name(), m);
        }
    }

    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    /** The known names, in a stable order, for messages. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** The mix called {@code name} (case-insensitive); a clear message names the known ones otherwise. */
    public static QuantMix parse(String name) {
        QuantMix m = ALL.get(name.toUpperCase(Locale.ROOT));
        if (m == null) {
            throw new IllegalArgumentException("unknown quantization type " + name + " (jllm writes " + names() + ")");
        }
        return m;
    }

    /**
     * Whether llama-quantize re-encodes this tensor: a weight of two or more dimensions that is not a
     * norm, an MoE router, or a position / token-type embedding. Everything else is copied as it is.
     */
    public static boolean quantizable(Weight w) {
        String n = w.name();
        return n.endsWith("weight") && w.rank() >= 2 && !n.contains("_norm.weight") && !n.contains("ffn_gate_inp.weight")
                && !n.equals("position_embd.weight") && !n.equals("token_types.weight");
    }

    /**
     * The type of every quantizable tensor of {@code weights} (in their order); tensors missing from the
     * plan stay as they are.
     */
    public Map<String, GgmlType> plan(List<Weight> weights) {
        boolean hasOutput = false;
        int numVProj = 0;
        int numLayers = 0;
        for (Weight w : weights) {
            hasOutput |= w.name().equals("output.weight");
            if (w.name().contains("attn_v.weight") || w.name().contains("attn_qkv.weight")) {
                numVProj++;
            }
            Matcher m = LAYER.matcher(w.name());
            if (m.find()) {
                numLayers = Math.max(numLayers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        Map<String, GgmlType> plan = new LinkedHashMap<>();
        int vIndex = 0;
        int downIndex = 0;
        for (Weight w : weights) {
            if (!quantizable(w)) {
                continue;
            }
            GgmlType type = base;
            if (mixed) {
                String n = w.name();
                if (n.equals("output.weight") || (!hasOutput && n.equals("token_embd.weight"))) {
                    type = w.cols() % base.blockSize != 0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
                } else if (n.equals("token_embd.weight")) {
                    type = base;
                } else if (n.contains("attn_v.weight")) {
                    if (moreBits(vIndex++, numVProj)) {
                        type = GgmlType.Q6_K;
                    }
                } else if (n.contains("ffn_down")) {
                    if (moreBits(downIndex++, numLayers)) {
                        type = GgmlType.Q6_K;
                    }
                } else if (n.contains("attn_qkv.weight")) {
                    type = base == GgmlType.Q4_K ? GgmlType.Q5_K : GgmlType.Q6_K;
                }
            }
            plan.put(w.name(), fit(type, w.cols()));
        }
        return plan;
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third between. */
    static boolean moreBits(int layer, int numLayers) {
        return layer < numLayers / 8 || layer >= 7 * numLayers / 8 || (layer - numLayers / 8) % 3 == 2;
    }

    /** {@code type}, or llama.cpp's fallback when rows of {@code cols} are not whole blocks of it. */
    static GgmlType fit(GgmlType type, long cols) {
        if (cols % type.blockSize == 0) {
            return type;
        }
        GgmlType fallback = switch (type) {
            case Q2_K, Q3_K, Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return cols % fallback.blockSize == 0 ? fallback : GgmlType.F16;
    }
}
