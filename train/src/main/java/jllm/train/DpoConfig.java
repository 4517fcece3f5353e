package jllm.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.tensor.GgmlType;

/**
 * Direct Preference Optimization settings. Prints itself into logs.
 *
 * @param policyModel    the GGUF to tune (usually an SFT model)
 * @param referenceModel the frozen reference (empty: the policy's starting weights)
 * @param data           preference files (see {@link PreferencePair#load})
 * @param outDir         where model.gguf, loss.csv and loss.svg go
 * @param beta           DPO's β: strength of the implicit KL constraint
 * @param epochs         passes over the training pairs
 * @param batch          pairs per step
 * @param maxLen         longest sequence (prompt + reply) in tokens; longer pairs are skipped
 * @param maxPairs       at most this many pairs are used (0 = all), taken after a seeded shuffle
 * @param schedule       learning rate per step
 * @param adamW          optimizer
 * @param gradClip       maximum gradient norm
 * @param valFraction    held-out fraction of pairs for reward accuracy and margins
 * @param seed           shuffling seed
 * @param threads        dense kernel threads
 * @param endOfTurn      the token text ending a reply
 * @param outputType     matrices' storage type in the output GGUF
 * @param name           {@code general.name}
 */
public record DpoConfig(Path policyModel, Optional<Path> referenceModel, List<Path> data, Path outDir, double beta,
                        int epochs, int batch, int maxLen, int maxPairs, LrSchedule schedule, AdamW.Settings adamW,
                        float gradClip, double valFraction, long seed, int threads, String endOfTurn,
                        GgmlType outputType, String name) {

    public DpoConfig {
        data = List.copyOf(data);
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("epochs and batch must be at least 1, got " + epochs + " and " + batch);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction " + valFraction + " must be in [0, 1)");
        }
    }
}
