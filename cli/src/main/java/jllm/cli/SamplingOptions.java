package jllm.cli;

import jllm.generate.SamplerSettings;
import picocli.CommandLine.Option;

/** Sampler options, with llama.cpp's names and defaults. */
final class SamplingOptions {
    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature = SamplerSettings.DEFAULTS.temperature();

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK = SamplerSettings.DEFAULTS.topK();

    @Option(names = "--top-p", paramLabel = "P", description = "Top-p; 1 = off (default: ${DEFAULT-VALUE}).")
    float topP = SamplerSettings.DEFAULTS.topP();

    @Option(names = "--min-p", paramLabel = "P", description = "Min-p; 0 = off (default: ${DEFAULT-VALUE}).")
    float minP = SamplerSettings.DEFAULTS.minP();

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "Repetition penalty; 1 = off (default: ${DEFAULT-VALUE}).")
    float repeatPenalty = SamplerSettings.DEFAULTS.repeatPenalty();

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "Tokens the penalties look back at; -1 = all (default: ${DEFAULT-VALUE}).")
    int repeatLastN = SamplerSettings.DEFAULTS.repeatLastN();

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "Frequency penalty (default: ${DEFAULT-VALUE}).")
    float frequencyPenalty;

    @Option(names = "--presence-penalty", paramLabel = "X", description = "Presence penalty (default: ${DEFAULT-VALUE}).")
    float presencePenalty;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "Random seed (default: a fixed seed, so runs repeat).")
    long seed = SamplerSettings.DEFAULTS.seed();

    SamplerSettings settings() {
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                presencePenalty, seed);
    }
}
