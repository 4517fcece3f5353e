package jllm.train.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jllm.format.gguf.GgufFile;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;
import jllm.train.Documents;

/**
 * The held-out tail of a pretraining corpus as text, for perplexity tools that read text (llama-perplexity,
 * {@code jllm perplexity}): the corpus is cut into unique paragraphs and tokenized as {@code jllm train}
 * does (separator + ids per document), and the documents that start in the last 10% of tokens are written,
 * separated by blank lines. {@code HeldOutText <model.gguf> <corpus.txt> <out.txt>}. A program, not a test.
 */
public final class HeldOutText {
    public static void main(String[] a) throws Exception {
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(Path.of(a[0]))) {
            tok = Tokenizers.fromGguf(f.metadata());
        }
        Set<String> unique = new LinkedHashSet<>();
        Documents.read(Path.of(a[1]), Documents.Split.PARAGRAPH, unique::add);
        List<String> docs = new ArrayList<>(unique);
        long[] start = new long[docs.size()];
        long n = 0;
        for (int i = 0; i < docs.size(); i++) {
            start[i] = n;
            n += 1 + tok.encode(docs.get(i), false, true).length;
        }
        long valStart = (long) (n * (1 - 0.1));
        StringBuilder out = new StringBuilder();
        int held = 0;
        for (int i = 0; i < docs.size(); i++) {
            if (start[i] >= valStart) {
                out.append(docs.get(i)).append("\n\n");
                held++;
            }
        }
        Files.writeString(Path.of(a[2]), out);
        System.out.printf("%d tokens, validation from %d: %d of %d documents, %d characters%n", n, valStart, held,
                docs.size(), out.length());
    }
}
