package jllm.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jllm.format.ModelFormatException;
import jllm.format.json.Json;
import jllm.format.json.JsonException;

/**
 * OpenAI's original GPT-2 files: {@code encoder.json} (token text in the GPT-2 byte alphabet -> id)
 * and {@code vocab.bpe} (a {@code #version} line, then one merge "a b" per line in rank order).
 * Pre-tokenized with GPT-2's regex; {@code <|endoftext|>} is BOS and EOS, none added.
 */
final class Gpt2FilesLoader {
    private Gpt2FilesLoader() {
    }

    static Tokenizer load(Path encoderJson, Path vocabBpe) {
        Map<String, Object> enc;
        List<String> lines;
        try {
            enc = Json.parseObject(Files.readString(encoderJson), encoderJson.toString());
            lines = Files.readAllLines(vocabBpe);
        } catch (IOException e) {
            throw new ModelFormatException(encoderJson.getParent() == null ? encoderJson.toString()
                    : encoderJson.getParent().toString(), null, "cannot read: " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new ModelFormatException(encoderJson.toString(), null, e.getMessage(), e);
        }
        int size = 0;
        for (Object v : enc.values()) {
            if (!(v instanceof Long id) || id < 0 || id >= 1 << 24) {
                throw new ModelFormatException(encoderJson.toString(), null, "token id " + v + " is not in [0, 2^24)", null);
            }
            size = Math.max(size, (int) (long) id + 1);
        }
        String[] texts = new String[size];
        TokenType[] types = new TokenType[size];
        java.util.Arrays.fill(texts, "");
        java.util.Arrays.fill(types, TokenType.UNUSED);
        for (Map.Entry<String, Object> e : enc.entrySet()) {
            int id = (int) (long) (Long) e.getValue();
            texts[id] = e.getKey();
            types[id] = e.getKey().startsWith("<|") && e.getKey().endsWith("|>") ? TokenType.CONTROL : TokenType.NORMAL;
        }
        int eot = java.util.Arrays.asList(texts).indexOf("<|endoftext|>");
        Vocabulary vocab = new Vocabulary(texts, null, types,
                new Vocabulary.Specials(eot, eot, -1, -1, -1, false, false, null));
        MergeTable table = new MergeTable(lines.size());
        int rank = 0;
        for (String line : lines) {
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            int sp = line.indexOf(' ', 1);
            if (sp < 0) {
                throw new ModelFormatException(vocabBpe.toString(), "line " + (rank + 2), "merge without a space", null);
            }
            GgufVocabLoader.addMerge(table, vocab, line, sp, rank++);
        }
        PreTokenizer pre = PreTokenizer.regex(HuggingFaceLoader.BYTE_LEVEL_REGEX, PreTokenizer.Behavior.ISOLATED, false);
        return new BpeTokenizer(vocab, table, new BpeTokenizer.Pipeline(null, pre, null, true), false, false, false,
                false);
    }
}
