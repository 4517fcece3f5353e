package jllm.model.hf;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * The {@code general.*} keys llama.cpp's converter writes from a folder (gguf-py's {@code Metadata}):
 * sampling defaults from generation_config.json, then the name, version, organization, finetune,
 * basename and size label it reads out of config.json's {@code _name_or_path} (when it is a model id)
 * and the folder's name, the size label otherwise from the parameter count. The README's front matter
 * (license, tags, base models), which the converter also reads, is not.
 */
final class GeneralKeys {
    private GeneralKeys() {
    }

    /** Parameter counts as gguf-py's {@code get_total_parameter_count}: all, outside experts, one expert's share, experts. */
    record Params(long total, long shared, long expert, long expertCount) {

        /** The counts of the tensors written; an expert tensor ({@code _exps.}, 3-D) has the experts in ne[2] (a bias: ne[1]). */
        static Params of(Map<String, Tensor> tensors) {
            long total = 0;
            long shared = 0;
            long expert = 0;
            long expertSum = 0;
            int expertTensors = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Shape shape = e.getValue().shape();
                long n = shape.elementCount();
                total += n;
                if (e.getKey().contains("_exps.") && shape.rank() >= 3) {
                    long experts = shape.dim(e.getKey().contains(".bias") ? 1 : 2);
                    expert += n / experts;
                    expertSum += experts;
                    expertTensors++;
                } else {
                    shared += n;
                }
            }
            return new Params(total, shared, expert, expertTensors == 0 ? 0 : expertSum / expertTensors);
        }
    }

    /** The name parts gguf-py's {@code get_model_id_components} finds in a model id. */
    record IdParts(String fullName, String org, String basename, String finetune, String version, String sizeLabel) {
    }

    /** Writes the keys in the converter's order (after general.architecture and general.type). */
    static void write(Map<String, Object> generationConfig, Map<String, Object> config, String dirName, Params params,
                      GgufKeys k) {
        sampling(generationConfig, k);
        String name = null;
        String org = null;
        String basename = null;
        String finetune = null;
        String version = null;
        String sizeLabel = null;
        List<String> ids = new ArrayList<>();
        if (config.get("_name_or_path") instanceof String id && id.chars().filter(c -> c == '/').count() <= 1) {
            ids.add(id); // a model id, not a path on someone's disk
        }
        ids.add(dirName);
        for (String id : ids) {
            IdParts p = components(id, params.total());
            name = name != null || p.fullName() == null ? name : idToTitle(p.fullName());
            org = org != null || p.org() == null ? org : idToTitle(p.org());
            basename = basename != null ? basename : p.basename();
            finetune = finetune != null ? finetune : p.finetune();
            version = version != null ? version : p.version();
            sizeLabel = sizeLabel != null ? sizeLabel : p.sizeLabel();
        }
        if (sizeLabel == null && params.total() > 0) {
            sizeLabel = sizeLabel(params);
        }
        k.str("general.name", name != null ? name : dirName);
        putIf(k, "general.version", version);
        putIf(k, "general.organization", org);
        putIf(k, "general.finetune", finetune);
        putIf(k, "general.basename", basename);
        putIf(k, "general.size_label", sizeLabel);
    }

    private static void putIf(GgufKeys k, String key, String value) {
        if (value != null && !value.isEmpty()) {
            k.str(key, value);
        }
    }

    /** {@code general.sampling.*} from generation_config.json (temperature is written as temp). */
    private static void sampling(Map<String, Object> g, GgufKeys k) {
        if (g.get("sequence") instanceof String s && !s.isEmpty()) {
            k.str("general.sampling.sequence", s);
        }
        int32(g, "top_k", "general.sampling.top_k", k);
        f32(g, "top_p", "general.sampling.top_p", k);
        f32(g, "min_p", "general.sampling.min_p", k);
        f32(g, "xtc_probability", "general.sampling.xtc_probability", k);
        f32(g, "xtc_threshold", "general.sampling.xtc_threshold", k);
        f32(g, "temperature", "general.sampling.temp", k);
        int32(g, "penalty_last_n", "general.sampling.penalty_last_n", k);
        f32(g, "penalty_repeat", "general.sampling.penalty_repeat", k);
        int32(g, "mirostat", "general.sampling.mirostat", k);
        f32(g, "mirostat_tau", "general.sampling.mirostat_tau", k);
        f32(g, "mirostat_eta", "general.sampling.mirostat_eta", k);
    }

    private static void int32(Map<String, Object> g, String from, String key, GgufKeys k) {
        if (g.get(from) instanceof Number n && n.longValue() >= Integer.MIN_VALUE && n.longValue() <= Integer.MAX_VALUE) {
            k.put(key, new GgufValue(GgufValueType.INT32, n.longValue()));
        }
    }

    private static void f32(Map<String, Object> g, String from, String key, GgufKeys k) {
        if (g.get(from) instanceof Number n) {
            k.f32(key, n.doubleValue());
        }
    }

    private static final Pattern VERSION = Pattern.compile("(v|iter)?\\d+([.]\\d+)*", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUANT_TYPE = Pattern.compile("i?q\\d(_\\w)*|b?fp?(16|32)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(([A]|\\d+[x])?\\d+([._]\\d+)?[KMBT][\\d]?|small|mini|medium|large|x?xl)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FINETUNE = Pattern.compile("chat|instruct|vision|lora", Pattern.CASE_INSENSITIVE);
    private static final Pattern KEEP_CASE = Pattern.compile("^(v\\d+(?:\\.\\d+)*|\\d.*)$");

    /** gguf-py's {@code get_model_id_components}: org/name split on '-' and each part classified. */
    static IdParts components(String modelId, long totalParams) {
        if (modelId.contains(" ")) {
            return new IdParts(modelId, null, null, null, null, null); // a sentence, not an id
        }
        String org = null;
        String full = modelId;
        int slash = modelId.indexOf('/');
        if (slash >= 0) {
            org = modelId.substring(0, slash);
            full = modelId.substring(slash + 1);
        }
        if (org != null && !org.isEmpty() && org.charAt(0) == '.') {
            org = null;
        }
        List<String> parts = new ArrayList<>();
        for (String p : full.split("-", -1)) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        List<LinkedHashSet<String>> types = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            LinkedHashSet<String> t = new LinkedHashSet<>();
            types.add(t);
            String part = parts.get(i);
            if (VERSION.matcher(part).matches()) {
                t.add("version");
            } else if (QUANT_TYPE.matcher(part).matches()) {
                t.add("type");
                parts.set(i, part.toUpperCase(Locale.ROOT));
            } else if (i > 0 && SIZE.matcher(part).matches()) {
                part = part.replace('_', '.');
                if (isDecimal(part.charAt(part.length() - 1))) { // bloom-7b1 notation
                    part = part.substring(0, part.length() - 2) + "." + part.charAt(part.length() - 1) + part.charAt(part.length() - 2);
                }
                if (part.length() > 1 && isDecimal(part.charAt(part.length() - 2)) && "kmbt".indexOf(part.charAt(part.length() - 1)) >= 0) {
                    part = part.substring(0, part.length() - 1) + Character.toUpperCase(part.charAt(part.length() - 1));
                }
                if (totalParams != 0) {
                    Double label = sizeLabelParams(part);
                    // a size far from the model's is likely a context length
                    if (label != null && (totalParams < 0 && label < Math.abs(totalParams) / 8
                            || totalParams > 0 && Math.abs(label - totalParams) > 7 * totalParams / 8)) {
                        t.add("finetune");
                        part = part.substring(0, part.length() - 1) + Character.toLowerCase(part.charAt(part.length() - 1));
                    }
                }
                if (t.isEmpty()) {
                    t.add("size_label");
                }
                parts.set(i, part);
            } else if (i > 0 && FINETUNE.matcher(part).matches()) {
                t.add(totalParams < 0 && part.equalsIgnoreCase("lora") ? "type" : "finetune");
            }
        }
        // word sizes (small, large) give way to a numeric one
        boolean numericSize = false;
        for (int i = 0; i < parts.size(); i++) {
            numericSize |= types.get(i).contains("size_label") && parts.get(i).chars().anyMatch(c -> isDecimal((char) c));
        }
        if (numericSize) {
            for (int i = 0; i < parts.size(); i++) {
                if (types.get(i).contains("size_label") && parts.get(i).chars().allMatch(Character::isLetter)) {
                    types.get(i).remove("size_label");
                }
            }
        }
        boolean atStart = true;
        for (int i = 0; i < parts.size(); i++) {
            LinkedHashSet<String> t = types.get(i);
            if (atStart && (t.isEmpty() && Character.isLetter(parts.get(i).charAt(0)) || t.contains("version"))) {
                t.add("basename");
            } else {
                atStart = false;
                if (t.isEmpty()) {
                    t.add("finetune");
                }
            }
        }
        for (int i = parts.size() - 1; i >= 0; i--) { // a trailing version is not part of the basename
            LinkedHashSet<String> t = types.get(i);
            if (t.contains("basename") && t.size() > 1) {
                t.remove("basename");
            } else {
                break;
            }
        }
        String basename = join(parts, types, "basename", false, false);
        String sizeLabel = join(parts, types, "size_label", true, false);
        String finetune = join(parts, types, "finetune", false, false);
        String version = join(parts, types, "version", false, true);
        if (sizeLabel == null && finetune == null && version == null) {
            basename = null; // too ambiguous
        }
        return new IdParts(full, org, basename, finetune, version, sizeLabel);
    }

    private static String join(List<String> parts, List<LinkedHashSet<String>> types, String type, boolean distinct,
                               boolean notBasename) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (types.get(i).contains(type) && !(notBasename && types.get(i).contains("basename"))
                    && !(distinct && out.contains(parts.get(i)))) {
                out.add(parts.get(i));
            }
        }
        return out.isEmpty() ? null : String.join("-", out);
    }

    /** "7B" as 7e9 (Python's float() of all but the last character times 1000^" KMBT".find(last)), or null. */
    private static Double sizeLabelParams(String part) {
        try {
            int scale = " KMBT".indexOf(part.charAt(part.length() - 1));
            return Double.parseDouble(part.substring(0, part.length() - 1)) * Math.pow(1000, scale);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isDecimal(char c) {
        return Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER;
    }

    /** gguf-py's {@code id_to_title}: dashes to spaces, all-lowercase words title-cased unless a version or a number. */
    static String idToTitle(String id) {
        List<String> words = new ArrayList<>();
        for (String w : id.strip().replace('-', ' ').split("\\s+")) {
            if (w.isEmpty()) {
                continue;
            }
            words.add(isLower(w) && !KEEP_CASE.matcher(w).matches() ? title(w) : w);
        }
        return String.join(" ", words);
    }

    /** Python's {@code str.islower()}: some cased letter, none upper or title case. */
    private static boolean isLower(String w) {
        boolean cased = false;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (Character.isUpperCase(c) || Character.isTitleCase(c)) {
                return false;
            }
            cased |= Character.isLowerCase(c);
        }
        return cased;
    }

    /** Python's {@code str.title()}: a letter after a non-letter is upper case, the others lower case. */
    private static String title(String w) {
        StringBuilder b = new StringBuilder(w.length());
        boolean prevCased = false;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            boolean cased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
            b.append(cased ? (prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c)) : c);
            prevCased = cased;
        }
        return b.toString();
    }

    /** gguf-py's {@code size_label}: "238K", "8.0B", or "8x7.2B" for experts. */
    static String sizeLabel(Params p) {
        if (p.expertCount() > 0) {
            return p.expertCount() + "x" + rounded(Math.abs(p.shared()) + Math.abs(p.expert()));
        }
        return rounded(Math.abs(p.total()));
    }

    /** gguf-py's {@code model_weight_count_rounded_notation} with two significant digits at least. */
    static String rounded(long n) {
        double scaled;
        String suffix;
        if (n > 1e12) {
            scaled = n * 1e-12;
            suffix = "T";
        } else if (n > 1e9) {
            scaled = n * 1e-9;
            suffix = "B";
        } else if (n > 1e6) {
            scaled = n * 1e-6;
            suffix = "M";
        } else {
            scaled = n * 1e-3;
            suffix = "K";
        }
        // Python rounds half to even, on the exact binary value: round() and the "%.nf" format alike
        String integer = new BigDecimal(scaled).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
        int fix = Math.max(2 - integer.replaceFirst("^0+", "").length(), 0);
        return new BigDecimal(scaled).setScale(fix, RoundingMode.HALF_EVEN).toPlainString() + suffix;
    }
}
