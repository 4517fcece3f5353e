package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TextIndexTest {

    /** Texts from a small alphabet, so that many are duplicates, prefixes or concatenations of others. */
    private static String randomText(Random r) {
        String alphabet = "ab Ġ▁é";
        StringBuilder b = new StringBuilder();
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void lookupsAgreeWithAMapWhereTheLastIdOfADuplicateWins() {
        Random r = new Random(7);
        String[] texts = new String[600];
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < texts.length; i++) {
            texts[i] = randomText(r);
            expected.put(texts[i], i);
        }
        TextIndex index = new TextIndex(texts);
        for (int i = 0; i < 5000; i++) {
            String a = randomText(r);
            String b = randomText(r);
            String line = "x" + a + " " + b + "y";
            int from1 = 1;
            int to1 = 1 + a.length();
            int from2 = to1 + 1;
            int to2 = from2 + b.length();
            assertThat(index.get(a)).as(a).isEqualTo(expected.getOrDefault(a, -1));
            assertThat(index.get(line, from1, to1)).as(a).isEqualTo(expected.getOrDefault(a, -1));
            assertThat(index.get(line, from2, to2)).as(b).isEqualTo(expected.getOrDefault(b, -1));
            assertThat(index.get(line, from1, to1, from2, to2)).as(a + b).isEqualTo(expected.getOrDefault(a + b, -1));
        }
    }

    @Test
    void emptyRegionsAndMissingTexts() {
        TextIndex index = new TextIndex(new String[]{"", "ab", "a", "b"});
        assertThat(index.get("ab", 1, 1)).isZero();
        assertThat(index.get("a b", 0, 1, 2, 3)).isEqualTo(1);
        assertThat(index.get("a b", 0, 1, 1, 1)).isEqualTo(2);
        assertThat(index.get("abc")).isEqualTo(-1);
        assertThat(index.get("ba", 0, 2)).isEqualTo(-1);
    }
}
