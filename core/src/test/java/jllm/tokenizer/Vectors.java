package jllm.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's tokenizer test vectors ({@code test-tokenizer-0} format): the .inp file holds the
 * strings, each followed by {@code "\n__ggml_vocab_test__\n"} (the final separator may be missing);
 * the .out file one line of space-separated ids per string.
 */
record Vectors(List<String> inputs, List<int[]> expected) {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    static Vectors read(Path inp, Path out) {
        try {
            String text = Files.readString(inp);
            List<String> inputs = new ArrayList<>(Arrays.asList(text.split(SEPARATOR, -1)));
            if (text.endsWith(SEPARATOR)) {
                inputs.remove(inputs.size() - 1);
            }
            List<int[]> ids = new ArrayList<>();
            for (String line : Files.readAllLines(out)) {
                String t = line.strip();
                ids.add(t.isEmpty() ? new int[0] : Arrays.stream(t.split(" ")).mapToInt(Integer::parseInt).toArray());
            }
            if (ids.size() != inputs.size()) {
                throw new IllegalStateException(inp + ": " + inputs.size() + " inputs but " + out + " has " + ids.size()
                        + " lines");
            }
            return new Vectors(inputs, ids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes every input (no BOS/EOS, specials not parsed); returns one message per mismatch. */
    List<String> mismatches(Tokenizer tok) {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int[] got = tok.encode(inputs.get(i), false, false);
            if (!Arrays.equals(got, expected.get(i))) {
                bad.add("#" + i + " " + quote(inputs.get(i)) + "\n   expected " + Arrays.toString(expected.get(i))
                        + "\n   got      " + Arrays.toString(got));
            }
        }
        return bad;
    }

    static String quote(String s) {
        String q = s.replace("\n", "\\n").replace("\t", "\\t");
        return "\"" + (q.length() > 60 ? q.substring(0, 60) + "..." : q) + "\"";
    }
}
