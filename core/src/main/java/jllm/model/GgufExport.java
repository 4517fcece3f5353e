package jllm.model;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufWriter;
import jllm.format.llama2c.Llama2cTokenizerFile;
import jllm.kernel.Quantizer;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import jllm.tokenizer.TokenType;

/**
 * Writes any {@link ModelSource} as a GGUF file that jllm and llama.cpp load: its metadata (already in
 * GGUF keys), tokenizer metadata, and its tensors, optionally re-encoded in another type.
 *
 * <pre>{@code
 * try (ModelSource src = ModelSources.llama2c(Path.of("stories260K.bin"))) {
 *     GgufExport.write(src, GgufExport.llama2cVocabulary(Path.of("tok512.bin"), 512), Optional.empty(), Path.of("out.gguf"));
 * }
 * }</pre>
 */
public final class GgufExport {
    private GgufExport() {
    }

    /**
     * Writes {@code source} to {@code out}. Tokenizer keys come from {@code vocabulary} when given, else
     * from the source's own {@code tokenizer.*} metadata. With {@code type}, every 2-D weight is
     * re-encoded in it (a weight whose rows are not whole blocks of it falls back to F16).
     */
    public static void write(ModelSource source, Optional<GgufMetadata> vocabulary, Optional<GgmlType> type, Path out) {
        GgufWriter.Builder w = GgufWriter.builder();
        for (Map.Entry<String, GgufValue> e : source.metadata().asMap().entrySet()) {
            if (vocabulary.isEmpty() || !e.getKey().startsWith("tokenizer.")) {
                w.put(e.getKey(), e.getValue());
            }
        }
        vocabulary.ifPresent(w::putAll);
        if (!source.metadata().has("tokenizer.ggml.model") && vocabulary.isEmpty()) {
            throw new ModelFormatException(source.path().toString(), "tokenizer", "the model has no tokenizer to "
                    + "write into the GGUF (give its tokenizer file)", null);
        }
        try (Arena arena = Arena.ofConfined()) {
            for (Map.Entry<String, Tensor> e : source.tensors().entrySet()) {
                Tensor t = e.getValue();
                if (!e.getKey().equals(t.name())) {
                    continue; // an alias of another tensor (llama2.c's shared classifier): tied in GGUF
                }
                Tensor outTensor = t;
                if (type.isPresent() && t.shape().rank() >= 2) {
                    GgmlType target = Quantizer.fits(t, type.get()) ? type.get() : GgmlType.F16;
                    outTensor = Quantizer.convert(t, target, arena);
                }
                w.addTensor(outTensor);
            }
            w.write(out);
        }
    }

    /**
     * The GGUF tokenizer keys of a llama2.c {@code tokenizer.bin}, as llama.cpp's llama2.c converter
     * writes them: SentencePiece model "llama", spaces as U+2581, ids 0/1/2 = unk/BOS/EOS, byte pieces
     * {@code <0xNN>} typed BYTE.
     */
    public static GgufMetadata llama2cVocabulary(Path tokenizerBin, int vocabSize) {
        Llama2cTokenizerFile f = Llama2cTokenizerFile.read(tokenizerBin, vocabSize);
        List<String> tokens = new ArrayList<>(vocabSize);
        int[] types = new int[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            String text = new String(f.pieces()[id], StandardCharsets.UTF_8);
            TokenType type = TokenType.NORMAL;
            if (id == 0) {
                text = "<unk>";
                type = TokenType.UNKNOWN;
            } else if (id == 1) {
                text = "<s>";
                type = TokenType.CONTROL;
            } else if (id == 2) {
                text = "</s>";
                type = TokenType.CONTROL;
            } else if (text.isEmpty()) {
                type = TokenType.CONTROL;
            } else if (text.matches("<0x[0-9A-F]{2}>")) {
                type = TokenType.BYTE;
            } else {
                text = text.replace(' ', '\u2581');
            }
            tokens.add(text);
            types[id] = type.ggufId();
        }
        return GgufWriter.builder()
                .putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putFloat32Array("tokenizer.ggml.scores", f.scores())
                .putInt32Array("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .metadata();
    }
}
