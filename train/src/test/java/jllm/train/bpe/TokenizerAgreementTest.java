package jllm.train.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufWriter;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vocabulary trained here and stored in GGUF tokenizes, through jllm's inference tokenizer
 * ({@link Tokenizers#fromGguf}, which matches llama.cpp's gpt-2 vectors), into exactly the ids the
 * training data was tokenized with, special tokens included; and decodes back to the text.
 */
class TokenizerAgreementTest {
    @TempDir
    Path dir;

    @Test
    void trainingEncoderAndInferenceTokenizerGiveTheSameIds() throws Exception {
        Path fixtures = SharedData.require("data/tokenizers/bpe-training-fixtures");
        BpeTrainer t = new BpeTrainer(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"));
        t.add(Files.readString(fixtures.resolve("corpus.en")));
        BpeVocabulary v = t.train(600);
        Path file = dir.resolve("tok.gguf");
        GgufWriter.Builder b = GgufWriter.builder().putString("general.architecture", "llama");
        v.toGguf(0, 2, true, Optional.empty()).putInto(b);
        b.write(file);
        BpeEncoder enc = new BpeEncoder(v);
        try (GgufFile f = GgufFile.open(file)) {
            Tokenizer tok = Tokenizers.fromGguf(f.metadata());
            for (String name : List.of("tinystories_sample.txt", "address.txt", "german.txt", "corpus.en")) {
                String text = Files.readString(fixtures.resolve(name));
                int[] ids = enc.encode(text);
                assertThat(tok.encode(text, false, true)).as(name).containsExactly(ids);
                assertThat(tok.decode(ids, true)).as(name).isEqualTo(text);
            }
            String chat = "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n";
            assertThat(tok.encode(chat, false, true)).containsExactly(enc.encode(chat));
        }
    }
}
