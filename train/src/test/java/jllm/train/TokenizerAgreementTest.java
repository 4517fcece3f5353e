package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.tensor.GgmlType;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer a pretraining run stores in its GGUF, loaded back by jllm's inference code
 * ({@link Tokenizers#fromGguf}, which matches llama.cpp's gpt-2 vectors), encodes the training text into
 * exactly the ids the run trained on ({@code tokens.bin}: each unique document after the separator),
 * special tokens and non-ASCII text included; and decodes them back to the text.
 */
class TokenizerAgreementTest {
    @TempDir
    Path dir;

    @Test
    void theTrainedGgufTokenizesTheTrainingTextAsTrainingDid() throws Exception {
        Path fixtures = SharedData.require("data/tokenizers/bpe-training-fixtures");
        StringBuilder corpus = new StringBuilder();
        for (String name : List.of("tinystories_sample.txt", "address.txt", "german.txt")) {
            corpus.append(Files.readString(fixtures.resolve(name))).append("\n\n");
        }
        corpus.append("<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\nHello  \t world<|im_end|>\n\n");
        corpus.append("Tabs\tand   spaces, digits 12345 and 'quotes' they'll've\n\n");
        Path input = Files.writeString(dir.resolve("corpus.txt"), corpus);
        TrainSettings s = new TrainSettings(2, 16, 1, 1, new LrSchedule(1e-3f, 1e-4f, 0, 1),
                new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.0f), 1.0f, 0, 1, 7);
        PretrainConfig c = new PretrainConfig(List.of(input), Documents.Split.PARAGRAPH, dir.resolve("run"), 400,
                PretrainConfig.CHATML_SPECIALS, 0, new ModelShape(16, 32, 1, 2, 1, 16, 10000f, true), s, 0.1, 0,
                false, 1, GgmlType.F32, "tok", Optional.of(PretrainConfig.CHATML_TEMPLATE));
        PretrainResult r = Pretrain.run(c, ProgressListener.NONE);

        Set<String> documents = new LinkedHashSet<>();
        Documents.read(input, Documents.Split.PARAGRAPH, documents::add);
        assertThat(documents).hasSizeGreaterThan(4);
        try (GgufFile f = GgufFile.open(r.gguf()); TokenFile trained = TokenFile.open(dir.resolve("run/tokens.bin"))) {
            Tokenizer tok = Tokenizers.fromGguf(f.metadata());
            List<Integer> expected = new ArrayList<>();
            for (String doc : documents) {
                int[] ids = tok.encode(doc, false, true);
                assertThat(tok.decode(ids, true)).isEqualTo(doc);
                expected.add(0); // the separator
                for (int id : ids) {
                    expected.add(id);
                }
            }
            List<Integer> got = new ArrayList<>();
            for (long i = 0; i < trained.length(); i++) {
                got.add(trained.get(i));
            }
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(got).contains(tok.vocabulary().id("<|im_start|>").orElseThrow());
            assertThat(got.size()).as("merges shorten the text").isLessThan(corpus.length() / 2);
        }
    }
}
