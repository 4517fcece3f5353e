package jllm.generate;

/**
 * Sampler settings, with llama.cpp's defaults. A temperature of 0 (or below) means greedy decoding.
 *
 * @param temperature      softmax temperature; 0 = greedy
 * @param topK             keep the k best tokens; 0 = all
 * @param topP             nucleus threshold; 1 = off
 * @param minP             keep tokens with at least minP times the best probability; 0 = off
 * @param repeatPenalty    divide logits of recent tokens by this; 1 = off
 * @param repeatLastN      how many recent tokens the penalties look at; -1 = all
 * @param frequencyPenalty subtract count * this from recent tokens' logits
 * @param presencePenalty  subtract this from recent tokens' logits
 * @param seed             random seed; the same seed and inputs give the same text
 */
public record SamplerSettings(float temperature, int topK, float topP, float minP, float repeatPenalty,
                              int repeatLastN, float frequencyPenalty, float presencePenalty, long seed) {

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties. */
    public static final SamplerSettings DEFAULTS = new SamplerSettings(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0f, 0f, 0xC0FFEEL);

    /** Greedy decoding. */
    public static final SamplerSettings GREEDY = DEFAULTS.withTemperature(0f);

    public SamplerSettings {
        if (Float.isNaN(temperature) || temperature < 0 || temperature > 100) {
            throw new IllegalArgumentException("temperature must be in [0, 100], got " + temperature);
        }
        if (Float.isNaN(topP) || topP < 0 || topP > 1) {
            throw new IllegalArgumentException("top-p must be in [0, 1], got " + topP);
        }
        if (Float.isNaN(minP) || minP < 0 || minP > 1) {
            throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be 0 (off) or positive, got " + topK);
        }
        if (!(repeatPenalty > 0) || !Float.isFinite(repeatPenalty)) {
            throw new IllegalArgumentException("repeat penalty must be a positive number, got " + repeatPenalty);
        }
        if (!Float.isFinite(frequencyPenalty) || !Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException("frequency and presence penalties must be finite");
        }
        if (repeatLastN < -1) {
            throw new IllegalArgumentException("repeat-last-n must be -1 (all), 0 (off) or positive, got " + repeatLastN);
        }
    }

    public SamplerSettings withTemperature(float t) {
        return new SamplerSettings(t, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplerSettings withTopK(int k) {
        return new SamplerSettings(temperature, k, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplerSettings withTopP(float p) {
        return new SamplerSettings(temperature, topK, p, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplerSettings withMinP(float p) {
        return new SamplerSettings(temperature, topK, topP, p, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }

    public SamplerSettings withPenalties(float repeat, int lastN, float frequency, float presence) {
        return new SamplerSettings(temperature, topK, topP, minP, repeat, lastN, frequency, presence, seed);
    }

    public SamplerSettings withSeed(long s) {
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, s);
    }

    /** True when decoding is greedy. */
    public boolean greedy() {
        return temperature <= 0f;
    }
}
