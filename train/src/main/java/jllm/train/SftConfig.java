package jllm.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.tensor.GgmlType;

/**
 * Supervised fine-tuning settings. Prints itself into logs.
 *
 * @param baseModel    the GGUF to fine-tune (a gpt2-style vocabulary with the chat's special tokens)
 * @param data         chat data files (see {@link ChatExamples})
 * @param placeholders {@code {{key}}} substitutions in the data
 * @param outDir       where {@code model.gguf} (and the adapter, with LoRA), {@code loss.csv} and {@code loss.svg} go
 * @param epochs       passes over the training conversations
 * @param batch        conversations per step
 * @param maxLen       tokens per conversation (longer ones are truncated)
 * @param schedule     learning rate (its decaySteps is usually the total step count)
 * @param adamW        optimizer
 * @param gradClip     maximum gradient norm
 * @param valFraction  fraction of conversations held out to measure the assistant-token loss
 * @param seed         shuffling seed
 * @param threads      dense kernel threads
 * @param endOfTurn    the token text that ends a reply; becomes the output model's EOS
 * @param chatTemplate the template, or empty to use the base model's
 * @param lora         train low-rank adapters instead of every weight
 * @param outputType   matrices' storage type in the output GGUF
 * @param name         {@code general.name}
 */
public record SftConfig(Path baseModel, List<Path> data, Map<String, String> placeholders, Path outDir, int epochs,
                        int batch, int maxLen, LrSchedule schedule, AdamW.Settings adamW, float gradClip,
                        double valFraction, long seed, int threads, String endOfTurn, Optional<String> chatTemplate,
                        Optional<Lora.Settings> lora, GgmlType outputType, String name) {

    public SftConfig {
        data = List.copyOf(data);
        placeholders = Map.copyOf(placeholders);
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("epochs and batch must be at least 1, got " + epochs + " and " + batch);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction " + valFraction + " must be in [0, 1)");
        }
    }
}
