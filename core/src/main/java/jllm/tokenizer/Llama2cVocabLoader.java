package jllm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import jllm.format.llama2c.Llama2cTokenizerFile;

/**
 * llama2.c's {@code tokenizer.bin} as an SPM tokenizer. The exporter wrote {@code ▁} as a space and
 * BOS/EOS as {@code "\n<s>\n"}/{@code "\n</s>\n"}; we undo that so the vocabulary reads like the
 * SentencePiece model it came from: ids 0/1/2 are {@code <unk>}/{@code <s>}/{@code </s>},
 * {@code <0xNN>} pieces are byte tokens, everything else is normal.
 */
final class Llama2cVocabLoader {
    private Llama2cVocabLoader() {
    }

    static Tokenizer load(Path file, int vocabSize) {
        Llama2cTokenizerFile f = Llama2cTokenizerFile.read(file, vocabSize);
        int n = f.size();
        String[] texts = new String[n];
        TokenType[] types = new TokenType[n];
        for (int i = 0; i < n; i++) {
            String raw = new String(f.piece(i), StandardCharsets.UTF_8);
            TokenType t = TokenType.NORMAL;
            if (i == 0 && raw.equals("<unk>")) {
                t = TokenType.UNKNOWN;
            } else if ((i == 1 || i == 2) && raw.strip().matches("</?s>")) {
                raw = raw.strip();
                t = TokenType.CONTROL;
            } else if (raw.length() == 6 && raw.matches("<0x[0-9A-F]{2}>")) {
                t = TokenType.BYTE;
            } else {
                raw = raw.replace(' ', SpmTokenizer.SPACE);
            }
            texts[i] = raw;
            types[i] = t;
        }
        int unk = n > 0 && types[0] == TokenType.UNKNOWN ? 0 : -1;
        int bos = n > 1 ? 1 : -1;
        int eos = n > 2 ? 2 : -1;
        Vocabulary vocab = new Vocabulary(texts, f.scores(), types,
                new Vocabulary.Specials(bos, eos, unk, -1, -1, true, false, null));
        return new SpmTokenizer(vocab, true, false);
    }
}
