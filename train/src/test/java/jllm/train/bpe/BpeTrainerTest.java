package jllm.train.bpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.format.json.Json;
import jllm.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * The BPE trainer against the CS336 reference (shared/data/tokenizers/bpe-training-fixtures): corpus.en
 * at vocabulary 500 with the special token {@code <|endoftext|>} must give exactly the reference merges
 * and vocabulary (same ids). Plus encode/decode round trips through jllm's tokenizer built from the
 * learned merges.
 */
class BpeTrainerTest {

    @Test
    void corpusEnAtVocab500GivesTheReferenceMergesAndVocabulary() throws IOException {
        Path dir = SharedData.require("data/tokenizers/bpe-training-fixtures");
        BpeTrainer trainer = new BpeTrainer(List.of("<|endoftext|>"));
        trainer.add(Files.readString(dir.resolve("corpus.en")));
        BpeVocabulary v = trainer.train(500);

        List<String> expectedMerges = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("train-bpe-reference-merges.txt"))) {
            if (!line.isEmpty()) {
                expectedMerges.add(line);
            }
        }
        assertThat(v.mergeStrings()).containsExactlyElementsOf(expectedMerges);

        Map<String, Object> expectedVocab = Json.parseObject(Files.readString(dir.resolve("train-bpe-reference-vocab.json")), "train-bpe-reference-vocab.json");
        assertThat(v.size()).isEqualTo(expectedVocab.size()).isEqualTo(500);
        List<String> tokens = v.tokenStrings();
        for (int id = 0; id < tokens.size(); id++) {
            assertThat(((Number) expectedVocab.get(tokens.get(id))).intValue()).as("id of %s", tokens.get(id)).isEqualTo(id);
        }
    }

    @Test
    void encodeDecodeRoundTrips() throws IOException {
        Path dir = SharedData.require("data/tokenizers/bpe-training-fixtures");
        String sample = Files.readString(dir.resolve("tinystories_sample.txt"));
        BpeTrainer trainer = new BpeTrainer(List.of("<|endoftext|>"));
        trainer.add(sample);
        BpeVocabulary v = trainer.train(400);
        Tokenizer tok = v.toGguf(0, 0, false, Optional.empty()).toTokenizer();
        for (String f : List.of("tinystories_sample.txt", "address.txt", "german.txt")) {
            String text = Files.readString(dir.resolve(f));
            int[] ids = tok.encode(text, false, true);
            assertThat(tok.decode(ids, true)).as(f).isEqualTo(text);
        }
        int[] ids = tok.encode(sample, false, true);
        assertThat(ids.length).as("merges compress the text they were learned on").isLessThan(sample.length() / 2);
        assertThat(ids).contains(v.specialId("<|endoftext|>"));
    }
}
