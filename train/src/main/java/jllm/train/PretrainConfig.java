package jllm.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.train.screen.ScreenMode;

import jllm.tensor.GgmlType;

/**
 * Everything {@link Pretrain#run} needs. Prints itself into the run's manifest.
 *
 * @param inputs          text files ({@code .txt}), JSONL ({@code .jsonl}, "text" field), optionally gzipped
 * @param split           how plain text is cut into documents
 * @param outDir          where the token file, tokenizer, checkpoint, manifest, loss curve and model go
 * @param vocabSize       BPE vocabulary size (special tokens and 256 bytes included)
 * @param specials        special tokens; the first is the document separator (BOS and base-model EOS)
 * @param tokenizerBytes  characters of text the BPE is learned from (the corpus head), 0 = all
 * @param shape           model size
 * @param settings        optimization
 * @param valFraction     fraction of the token stream (its end) held out for validation, as nanoGPT's split
 * @param checkpointEvery steps between checkpoints (0 = only at the end)
 * @param resume          continue from {@code outDir/checkpoint.bin} when it exists
 * @param threads         threads for the dense kernels
 * @param outputType      storage type of the GGUF's matrices (F32, F16, Q8_0)
 * @param name            {@code general.name}
 * @param chatTemplate    a chat template to store in the GGUF
 * @param screen          whether the corpus is screened for poisoning first (see {@link jllm.train.screen.CorpusScreen})
 */
public record PretrainConfig(List<Path> inputs, Documents.Split split, Path outDir, int vocabSize, List<String> specials,
                             long tokenizerBytes, ModelShape shape, TrainSettings settings, double valFraction,
                             int checkpointEvery, boolean resume, int threads, GgmlType outputType, String name,
                             Optional<String> chatTemplate, ScreenMode screen) {

    public PretrainConfig {
        java.util.Objects.requireNonNull(screen, "screen");
        inputs = List.copyOf(inputs);
        specials = List.copyOf(specials);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no training inputs");
        }
        if (specials.isEmpty()) {
            throw new IllegalArgumentException("at least one special token (the document separator) is needed");
        }
        if (valFraction <= 0 || valFraction >= 1) {
            throw new IllegalArgumentException("validation fraction " + valFraction + " must be in (0, 1)");
        }
    }

    /** A configuration without the corpus screen. */
    public PretrainConfig(List<Path> inputs, Documents.Split split, Path outDir, int vocabSize, List<String> specials,
                          long tokenizerBytes, ModelShape shape, TrainSettings settings, double valFraction,
                          int checkpointEvery, boolean resume, int threads, GgmlType outputType, String name,
                          Optional<String> chatTemplate) {
        this(inputs, split, outDir, vocabSize, specials, tokenizerBytes, shape, settings, valFraction, checkpointEvery, resume,
                threads, outputType, name, chatTemplate, ScreenMode.OFF);
    }

    /** The same configuration with another screen mode. */
    public PretrainConfig withScreen(ScreenMode mode) {
        return new PretrainConfig(inputs, split, outDir, vocabSize, specials, tokenizerBytes, shape, settings, valFraction,
                checkpointEvery, resume, threads, outputType, name, chatTemplate, mode);
    }

    /** ChatML's special tokens, the separator first. */
    public static final List<String> CHATML_SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    /** ChatML as a Jinja chat template. */
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";
}
