package jllm.model.hf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.json.Json;
import jllm.model.HyperParams;

/**
 * A Hugging Face {@code config.json}, read with typed, checked accessors. Rope settings come in two
 * styles and both are read: transformers 4's top-level {@code rope_theta} / {@code rope_scaling}
 * (and Gemma 3's {@code rope_local_base_freq}), and transformers 5's {@code rope_parameters}, either
 * one object or one per layer type ({@code full_attention}, {@code sliding_attention}).
 *
 * <pre>{@code
 * HfConfig c = HfConfig.of(Json.parseObject(text, "config.json"), "config.json");
 * int dim = c.integer("hidden_size");
 * float theta = c.ropeTheta("full_attention", 10000);
 * }</pre>
 */
public final class HfConfig {
    /** Largest integer hyperparameter accepted (far above any real one). */
    public static final long MAX_INT = 1L << 24;

    private final Map<String, Object> m;
    private final String file;

    private HfConfig(Map<String, Object> m, String file) {
        this.m = m;
        this.file = file;
    }

    /** A parsed config.json; {@code file} names it in errors. */
    public static HfConfig of(Map<String, Object> config, String file) {
        return new HfConfig(config, file);
    }

    /** The file, for errors. */
    public String file() {
        return file;
    }

    /** The raw map (for rare keys). */
    public Map<String, Object> raw() {
        return m;
    }

    /** Whether the key is present and not null. */
    public boolean has(String key) {
        Object v = m.get(key);
        return v != null && v != Json.NULL;
    }

    /** An error naming this file and a key. */
    public ModelFormatException error(String key, String problem) {
        return new ModelFormatException(file, key, problem, null);
    }

    /** A required string. */
    public String string(String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw error(key, "missing or not a string (found " + shown(m.get(key)) + ")");
    }

    /** A required positive integer up to 2^24. */
    public int integer(String key) {
        return positive(m, key).orElseThrow(() -> error(key, "missing or not a positive integer up to 2^24 (found "
                + shown(m.get(key)) + ")"));
    }

    /** An optional positive integer up to 2^24. */
    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    /** An optional non-negative integer (0 allowed), e.g. a window that may be 0. */
    public int count(String key, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        if (m.get(key) instanceof Long l && l >= 0 && l <= MAX_INT) {
            return l.intValue();
        }
        throw error(key, "not an integer in [0, 2^24] (found " + shown(m.get(key)) + ")");
    }

    /** An optional finite number. */
    public double number(String key, double fallback) {
        return number(m, key, fallback);
    }

    /** An optional boolean. */
    public boolean bool(String key, boolean fallback) {
        Object v = m.get(key);
        if (v == null || v == Json.NULL) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(key, "not a boolean (found " + shown(v) + ")");
    }

    /** An optional list of strings (e.g. {@code layer_types}). */
    public Optional<List<String>> strings(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        if (m.get(key) instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw error(key, "not a list of strings (found " + shown(o) + ")");
                }
                out.add(s);
            }
            return Optional.of(out);
        }
        throw error(key, "not a list (found " + shown(m.get(key)) + ")");
    }

    /**
     * Which of {@code numLayers} layers use sliding-window attention: {@code layer_types} when given
     * ("sliding_attention" or "full_attention" per layer), else every layer but the last of each
     * {@code period}, as transformers fills {@code layer_types} in.
     */
    public boolean[] slidingLayers(int numLayers, int period) {
        Optional<List<String>> types = strings("layer_types");
        if (types.isEmpty()) {
            return HyperParams.periodic(numLayers, period);
        }
        if (types.get().size() != numLayers) {
            throw error("layer_types", types.get().size() + " layer types for " + numLayers + " layers");
        }
        boolean[] sliding = new boolean[numLayers];
        for (int i = 0; i < numLayers; i++) {
            sliding[i] = switch (types.get().get(i)) {
                case "sliding_attention" -> true;
                case "full_attention" -> false;
                default -> throw error("layer_types", "layer " + i + " has type \"" + types.get().get(i)
                        + "\" (expected sliding_attention or full_attention)");
            };
        }
        return sliding;
    }

    /** An optional list of numbers (e.g. LongRoPE's factors). */
    public Optional<double[]> numbers(Map<String, Object> map, String key) {
        Object v = map.get(key);
        if (v == null || v == Json.NULL) {
            return Optional.empty();
        }
        if (v instanceof List<?> list) {
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw error(key, "not a list of finite numbers (found " + shown(list.get(i)) + ")");
                }
                out[i] = n.doubleValue();
            }
            return Optional.of(out);
        }
        throw error(key, "not a list (found " + shown(v) + ")");
    }

    /** An optional nested object. */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> object(String key) {
        Object v = m.get(key);
        if (v == null || v == Json.NULL) {
            return Optional.empty();
        }
        if (v instanceof Map<?, ?> map) {
            return Optional.of((Map<String, Object>) map);
        }
        throw error(key, "not an object (found " + shown(v) + ")");
    }

    /**
     * The rope parameters of a layer type ({@code "full_attention"} or {@code "sliding_attention"}), in
     * one shape whatever the style: {@code rope_theta}, {@code rope_type} and the scaling keys
     * ({@code factor}, {@code original_max_position_embeddings}, ...). transformers 5: the per-type entry
     * of {@code rope_parameters}, or {@code rope_parameters} itself. transformers 4: {@code rope_scaling}
     * with the top-level {@code rope_theta}, and for sliding layers {@code rope_local_base_freq} and no
     * scaling (Gemma 3 scales only its global layers).
     */
    @SuppressWarnings("unchecked")
    public RopeParameters rope(String layerType, double defaultTheta) {
        Optional<Map<String, Object>> params = object("rope_parameters");
        if (params.isPresent()) {
            Map<String, Object> p = params.get();
            if (p.get(layerType) instanceof Map<?, ?> perType) {
                p = (Map<String, Object>) perType;
            } else if (p.get("full_attention") instanceof Map<?, ?> full) {
                p = (Map<String, Object>) full;
            }
            // a checkpoint may carry both styles: a top-level theta wins only when the new style has none
            double theta = p.containsKey("rope_theta") ? number(p, "rope_theta", defaultTheta)
                    : number("rope_theta", defaultTheta);
            return new RopeParameters(theta, p, this);
        }
        if (layerType.equals("sliding_attention") && has("rope_local_base_freq")) {
            return new RopeParameters(number("rope_local_base_freq", defaultTheta), Map.of(), this);
        }
        double theta = number("rope_theta", defaultTheta);
        return new RopeParameters(theta, object("rope_scaling").orElse(Map.of()), this);
    }

    /**
     * One layer type's rope settings.
     *
     * @param theta   the frequency base
     * @param scaling {@code rope_type} (or {@code type}) and its parameters; empty or type "default" for none
     */
    public record RopeParameters(double theta, Map<String, Object> scaling, HfConfig config) {

        /** The scaling type: "default" (none), "linear", "llama3", "yarn", "longrope", ... */
        public String type() {
            Object t = scaling.getOrDefault("rope_type", scaling.get("type"));
            return t instanceof String s ? s : "default";
        }

        /**
         * This rope, after checking its scaling type is one {@code family} supports (e.g. only
         * "default"): an unsupported scaling is an error naming it, never ignored.
         */
        public RopeParameters requireType(String family, String... supported) {
            if (!java.util.Arrays.asList(supported).contains(type())) {
                throw config.error("rope_scaling", "rope scaling type \"" + type() + "\" is not supported for " + family
                        + " (jllm supports " + String.join(", ", supported) + ")");
            }
            return this;
        }

        /** A number of the scaling parameters. */
        public double number(String key, double fallback) {
            return HfConfig.number(scaling, key, fallback, config.file);
        }

        /** A list of numbers of the scaling parameters. */
        public Optional<double[]> numbers(String key) {
            return config.numbers(scaling, key);
        }
    }

    private double number(Map<String, Object> map, String key, double fallback) {
        return number(map, key, fallback, file);
    }

    private static double number(Map<String, Object> map, String key, double fallback, String file) {
        Object v = map.get(key);
        if (v == null || v == Json.NULL) {
            return fallback;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new ModelFormatException(file, key, "not a finite number: " + shown(v), null);
    }

    private static Optional<Integer> positive(Map<String, Object> map, String key) {
        if (map.get(key) instanceof Long l && l > 0 && l <= MAX_INT) {
            return Optional.of(l.intValue());
        }
        return Optional.empty();
    }

    private static String shown(Object v) {
        if (v == null) {
            return "nothing";
        }
        String s = v == Json.NULL ? "null" : v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
