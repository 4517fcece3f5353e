package jllm.generate.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Byte automata against java.util.regex on seeded random strings: each pattern, intersections,
 * complements and unions; and the grammar rules written from an automaton accept the same JSON string
 * texts (escapes spelled as json.dumps writes them).
 */
class ByteDfaTest {

    static final List<String> PATTERNS = List.of("^[a-z]+$", "ab", "^x-", "^(ab|a)*c?$", "^.{2,4}$", "[0-9]{2}", "^é+\"?$",
            "^(?:\\S+\\s+){0,3}\\S+$", "b$", "^$");

    static String random(Random r) {
        String alphabet = "abcx-0 9é\"\n日";
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(7); n > 0; n--) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static ByteDfa dfa(String pattern) {
        return ByteDfa.of(Regex.parse(pattern, Regex::raw));
    }

    /** ECMA-262's search; its {@code $} is the very end (Java's also matches before a final newline). */
    static boolean find(String pattern, String s) {
        return Pattern.compile(pattern.replace("$", "\\z")).matcher(s).find();
    }

    @Test
    void automataAgreeWithJavaRegexUnderEveryOperation() {
        Random r = new Random(17);
        ByteDfa any = ByteDfa.utf8(0, -1);
        int checked = 0;
        for (String p : PATTERNS) {
            for (String q : PATTERNS) {
                ByteDfa a = dfa(p);
                ByteDfa b = dfa(q);
                ByteDfa both = a.intersect(b);
                ByteDfa either = a.union(b);
                ByteDfa notA = a.complement().intersect(any);
                ByteDfa aNotB = a.intersect(b.complement());
                for (int i = 0; i < 60; i++) {
                    String s = random(r);
                    byte[] t = s.getBytes(StandardCharsets.UTF_8);
                    boolean inA = find(p, s);
                    boolean inB = find(q, s);
                    assertThat(a.matches(t)).as("%s on %s", p, s).isEqualTo(inA);
                    assertThat(both.matches(t)).as("%s and %s on %s", p, q, s).isEqualTo(inA && inB);
                    assertThat(either.matches(t)).as("%s or %s on %s", p, q, s).isEqualTo(inA || inB);
                    assertThat(notA.matches(t)).as("not %s on %s", p, s).isEqualTo(!inA);
                    assertThat(aNotB.matches(t)).as("%s and not %s on %s", p, q, s).isEqualTo(inA && !inB);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(PATTERNS.size() * PATTERNS.size() * 60);
        assertThat(dfa("^a$").intersect(dfa("^b$")).isEmpty()).isTrue();
        assertThat(dfa("a").complement().complement().intersect(any).matches("xa".getBytes(StandardCharsets.UTF_8))).isTrue();
        // minimal: "a+" has two states (start, after an a)
        assertThat(dfa("^a+$").states()).isEqualTo(2);
        // a complement keeps to whole characters once intersected with well-formed UTF-8
        assertThat(dfa("^a$").complement().intersect(any).matches(new byte[] {(byte) 0xC3})).isFalse();
    }

    @Test
    void rulesReadTheJsonTextOfTheAcceptedStrings() {
        Random r = new Random(5);
        TokenTrie trie = GrammarEngineTest.smallTrie(List.of());
        for (String p : PATTERNS) {
            ByteDfa key = dfa(p).complement().intersect(ByteDfa.utf8(1, 5));
            Map<String, Expr> rules = new LinkedHashMap<>();
            Expr text = key.rules("k", rules, true);
            rules.put("root", Expr.seq(Expr.literal("\""), text, Expr.literal("\"")));
            GrammarEngine e = new GrammarEngine(Grammar.compile(rules, "root"), trie);
            for (int i = 0; i < 80; i++) {
                String s = random(r);
                boolean expected = !find(p, s) && s.codePointCount(0, s.length()) >= 1 && s.codePointCount(0, s.length()) <= 5;
                String json = "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
                assertThat(GrammarEngineTest.accepts(e, json, true)).as("not %s, 1-5 chars: %s", p, json).isEqualTo(expected);
            }
            // only json.dumps's spelling: a plain character never arrives escaped
            assertThat(GrammarEngineTest.accepts(e, "\"\\u0041\"", true)).isFalse();
        }
    }

    @Test
    void hugeAutomataAreRefusedNamingTheBound() {
        assertThatThrownBy(() -> dfa("(a|b)*a(a|b){20}")).isInstanceOf(GrammarException.class).hasMessageContaining("states");
        assertThat(Set.of(dfa("(a|b)*a(a|b){5}").states())).isNotEmpty();
    }
}
