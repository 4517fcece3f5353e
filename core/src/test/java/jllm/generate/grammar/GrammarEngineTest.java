package jllm.generate.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jllm.generate.JsonPrefix;
import jllm.tokenizer.Tokenizer;

/**
 * The grammar engine: byte-level acceptance agrees with the hand-written JSON reader
 * ({@link JsonPrefix}) on every prefix; the trie-walk mask equals trying every token on its own; GBNF
 * reads as llama.cpp writes it.
 */
class GrammarEngineTest {

    /** A vocabulary of all single bytes plus some multi-byte tokens, with token 0 as end of generation. */
    static TokenTrie smallTrie(List<String> extra) {
        List<byte[]> b = new ArrayList<>();
        b.add(new byte[0]); // id 0: end of generation
        for (int i = 0; i < 256; i++) {
            b.add(new byte[] {(byte) i});
        }
        for (String s : extra) {
            b.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return new TokenTrie(b.toArray(byte[][]::new), Set.of(0));
    }

    static boolean accepts(GrammarEngine e, String text, boolean whole) {
        GrammarMatcher m = e.matcher();
        return m.advance(text.getBytes(StandardCharsets.UTF_8)) && (!whole || m.accepting());
    }

    static final String[] JSON_TEXTS = {"{}", "{ } ", "{\"a\":1}", "{\"a\": [1, -2.5e+3, 0, 0.25E-1, true, false, null, \"x\\\"y\\u00e9\"], \"b\": {}}",
            "{\"é\": \"日本\", \"n\": {\"m\": [[], [{}]]}}", "[1]", "\"x\"", "1", "{a:1}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1,}", "{\"a\":tru }",
            "{\"a\":1}}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":[1 2]}", "{\"a\":1]", " {}"};

    @Test
    void jsonObjectGrammarAgreesWithTheJsonReaderOnEveryPrefix() {
        GrammarEngine e = new GrammarEngine(JsonGrammar.object(), smallTrie(List.of()));
        for (String t : JSON_TEXTS) {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            for (int n = 0; n <= b.length; n++) {
                byte[] prefix = java.util.Arrays.copyOf(b, n);
                String p = new String(prefix, StandardCharsets.UTF_8);
                boolean reference = new JsonPrefix().accept(prefix);
                // the grammar ends at the closing brace; the reader allows blanks after it
                if (p.endsWith("} ") && reference) {
                    continue;
                }
                GrammarMatcher m = e.matcher();
                assertThat(m.advance(prefix)).as("prefix %d of %s", n, t).isEqualTo(reference);
            }
        }
        assertThat(accepts(e, "{\"a\": [1, {\"b\": null}]}", true)).isTrue();
        assertThat(accepts(e, "{\"a\": [1, {\"b\": null}]", true)).isFalse();
    }

    @Test
    void trieMaskEqualsTryingEveryToken() {
        List<String> extra = List.of("{\"", "\":", "\": ", "\"}", "}}", "ab", "abc", "\"a", "1.5", "true", "null}", "é", "日本", ", \"");
        TokenTrie trie = smallTrie(extra);
        GrammarEngine e = new GrammarEngine(JsonGrammar.object(), trie);
        Random rnd = new Random(7);
        String doc = "{\"ab\": [1.5, true, null, \"é日本\"], \"c\": {\"d\": \"x\\n\"}}";
        byte[] d = doc.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n <= d.length; n++) {
            GrammarMatcher m = e.matcher();
            assertThat(m.advance(java.util.Arrays.copyOf(d, n))).isTrue();
            long[] mask = m.mask();
            for (int id = 0; id < trie.vocabSize(); id++) {
                boolean bit = (mask[id >> 6] >>> (id & 63) & 1) != 0;
                boolean ref = id == 0 ? m.accepting() : trie.bytes(id).length > 0 && m.copy().advance(id);
                assertThat(bit).as("token %d after %d bytes", id, n).isEqualTo(ref);
            }
        }
        assertThat(rnd).isNotNull();
    }

    @Test
    void partialUtf8TokensAreJudgedByteByByte() {
        // a token holding the first two bytes of a three-byte character may start a string's text
        TokenTrie trie = smallTrie(List.of());
        Grammar g = Gbnf.parse("root ::= \"\\\"\" [^\"]* \"\\\"\"");
        GrammarEngine e = new GrammarEngine(g, trie);
        GrammarMatcher m = e.matcher();
        assertThat(m.advance("\"".getBytes(StandardCharsets.UTF_8))).isTrue();
        byte[] jp = "日".getBytes(StandardCharsets.UTF_8);
        assertThat(m.copy().advance(new byte[] {jp[0], jp[1]})).isTrue();
        assertThat(m.copy().advance(new byte[] {jp[1]})).isFalse(); // a continuation byte cannot start a character
        assertThat(m.copy().advance(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse(); // overlong encoding
    }

    /** Arithmetic in GBNF, in the style of llama.cpp's grammars/arithmetic.gbnf (a comment line included). */
    static final String ARITHMETIC = """
            # arithmetic, from llama.cpp's grammars/arithmetic.gbnf style
            root  ::= (expr "=" ws term "\\n")+
            expr  ::= term ([-+*/] term)*
            term  ::= ident | num | "(" ws expr ")" ws
            ident ::= [a-z] [a-z0-9_]* ws
            num   ::= [0-9]+ ws
            ws    ::= [ \\t\\n]*
            """;

    @Test
    void gbnfAsLlamaCppWritesIt() {
        GrammarEngine e = new GrammarEngine(Gbnf.parse(ARITHMETIC), smallTrie(List.of()));
        assertThat(accepts(e, "1+2= 3\n", true)).isTrue();
        assertThat(accepts(e, "(a1 +b)*3= x\n", true)).isTrue();
        assertThat(accepts(e, "1+= 3\n", false)).isFalse();
        assertThat(accepts(e, "1+2= 3", true)).isFalse();

        GrammarEngine rep = new GrammarEngine(Gbnf.parse("root ::= \"a\"{2,3} \"b\"{2} [x-z]{1,}"), smallTrie(List.of()));
        assertThat(accepts(rep, "aabbx", true)).isTrue();
        assertThat(accepts(rep, "aaabbzzz", true)).isTrue();
        assertThat(accepts(rep, "abbx", true)).isFalse();
        assertThat(accepts(rep, "aaaabbx", false)).isFalse();

        GrammarEngine uni = new GrammarEngine(Gbnf.parse("root ::= [^\\x00-\\x7F]+ \"\\u00e9\" ."), smallTrie(List.of()));
        assertThat(accepts(uni, "日本éx", true)).isTrue();
        assertThat(accepts(uni, "aé", false)).isFalse();
    }

    @Test
    void badGrammarsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Gbnf.parse("root ::= foo")).hasMessageContaining("undefined rule: foo");
        assertThatThrownBy(() -> Gbnf.parse("root ::= root \"a\" | \"b\"")).hasMessageContaining("left-recursive");
        assertThatThrownBy(() -> Gbnf.parse("root ::= \"a")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> Gbnf.parse("expr ::= \"a\"")).hasMessageContaining("no root rule");
        assertThatThrownBy(() -> Gbnf.parse("root ::= \"a\"{1000000}")).hasMessageContaining("6 digits");
        // escapes take exactly their hex digits: too few, a sign, a value past 2^31 - 1
        assertThatThrownBy(() -> Gbnf.parse("root ::= \"\\x4\"")).hasMessageContaining("expected 2 hex digits");
        assertThatThrownBy(() -> Gbnf.parse("root ::= \"\\x+1\"")).hasMessageContaining("expected 2 hex digits");
        assertThatThrownBy(() -> Gbnf.parse("root ::= \"\\UFFFFFFFF\"")).hasMessageContaining("expected 8 hex digits");
        assertThatThrownBy(() -> Regex.parse("\\u-0e9", Regex::raw)).hasMessageContaining("expected 4 hex digits");
        assertThat(Gbnf.hexAt("x00e9", 1, 4, GrammarException::new)).isEqualTo(0xE9);
    }

    @Test
    void maskOverLlama3VocabularyMatchesTheReferenceAndIsFast() {
        Tokenizer tok = Llama3.tokenizer();
        TokenTrie trie = TokenTrie.of(tok);
        GrammarEngine e = new GrammarEngine(JsonGrammar.object(), trie);
        String doc = "{\"name\": \"Ada Lovelace\", \"born\": 1815, \"tags\": [\"math\", \"é\"], \"x\": {\"y\": null}}";
        int[] ids = tok.encode(doc, false, false);
        GrammarMatcher m = e.matcher();
        for (int k = 0; k < ids.length; k++) {
            if (k % 5 == 0) { // every fifth step against the per-token reference
                long[] mask = m.mask();
                for (int id = 0; id < trie.vocabSize(); id += 7) {
                    boolean bit = (mask[id >> 6] >>> (id & 63) & 1) != 0;
                    boolean ref = trie.endOfGeneration.length > 0 && java.util.Arrays.binarySearch(trie.endOfGeneration, id) >= 0
                            ? m.accepting() : trie.bytes(id).length > 0 && m.copy().advance(id);
                    assertThat(bit).as("token %d at step %d", id, k).isEqualTo(ref);
                }
            }
            assertThat(m.allows(ids[k])).as("step %d", k).isTrue();
            assertThat(m.advance(ids[k])).isTrue();
        }
        assertThat(m.finished()).isTrue();
    }
}
