package jllm.generate.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;
import jllm.format.json.Json;
import jllm.generate.schema.PythonJson;
import jllm.generate.schema.SchemaBench;
import jllm.generate.schema.SchemaGrammar;
import jllm.generate.schema.SchemaException;
import jllm.tokenizer.Tokenizer;

/**
 * The fast mask (position masks plus a walk of the uncertain subtrees) equals the reference mask (one
 * walk of the whole trie) on every state met along real documents: small vocabularies in full, and
 * Llama 3's vocabulary along JSONSchemaBench instances.
 */
class SplitMaskTest {

    static void assertSameMasks(GrammarEngine e, GrammarMatcher m, String where) {
        GrammarEngine.State s = m.state();
        e.splitMask(s); // a run of frames met for the first time takes the plain walk; the second time, its position mask
        long[] fast = e.splitMask(s);
        long[] ref = e.referenceMask(s);
        if (!Arrays.equals(fast, ref)) {
            for (int id = 0; id < e.trie.vocabSize; id++) {
                boolean f = (fast[id >> 6] >>> (id & 63) & 1) != 0;
                boolean r = (ref[id >> 6] >>> (id & 63) & 1) != 0;
                assertThat(f).as("%s: token %d %s", where, id, new String(e.trie.bytes(id), StandardCharsets.UTF_8)).isEqualTo(r);
            }
        }
    }

    static void walkAndCompare(GrammarEngine e, byte[][] pieces, String name) {
        GrammarMatcher m = e.matcher();
        for (int k = 0; k < pieces.length; k++) {
            assertSameMasks(e, m, name + " before piece " + k);
            if (!m.advance(pieces[k])) {
                return;
            }
        }
        assertSameMasks(e, m, name + " at the end");
    }

    static byte[][] bytesOf(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        byte[][] out = new byte[b.length][];
        for (int i = 0; i < b.length; i++) {
            out[i] = new byte[] {b[i]};
        }
        return out;
    }

    @Test
    void smallVocabularyEveryPrefixOfJsonAndGbnf() {
        TokenTrie trie = GrammarEngineTest.smallTrie(List.of("{\"", "\":", "\": ", "\"}", "}}", "ab", "abc", "\"a", "1.5", "true",
                "null}", "é", "日本", ", \"", "\"\n", "a\"", "a\",", "1]", "],", "x\\n\"", "\\u00", "e+", "\"\"", "a b"));
        GrammarEngine json = new GrammarEngine(JsonGrammar.object(), trie);
        for (String t : GrammarEngineTest.JSON_TEXTS) {
            walkAndCompare(json, bytesOf(t), t);
        }
        GrammarEngine ar = new GrammarEngine(Gbnf.parse(GrammarEngineTest.ARITHMETIC), trie);
        walkAndCompare(ar, bytesOf("(ab +b)*3= abc\n1+2= 3\n"), "arith");
        GrammarEngine rep = new GrammarEngine(Gbnf.parse("root ::= \"a\"{2,3} (\"b\" | \"ab\"){2} [x-z]{1,} \"\\\"\" [^\"]{0,4} \"\\\"\""), trie);
        walkAndCompare(rep, bytesOf("aaabbzz\"ab\""), "rep");
    }

    @Test
    void nestingNearTheDepthBoundTakesTheReference() {
        TokenTrie trie = GrammarEngineTest.smallTrie(List.of("[[", "[[[[", "]]", "[1", "1]"));
        GrammarEngine json = new GrammarEngine(JsonGrammar.object(), trie);
        String deep = "{\"a\":" + "[".repeat(GrammarEngine.MAX_STACK_DEPTH / 2 + 20) + "1";
        GrammarMatcher m = json.matcher();
        byte[] b = deep.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (i < 8 || i > b.length - 60) {
                assertSameMasks(json, m, "nesting, byte " + i);
            }
            m.advance(new byte[] {b[i]});
        }
        assertSameMasks(json, m, "deep end");
    }

    @Test
    @SuppressWarnings("unchecked")
    void llama3AlongBenchmarkInstances() throws Exception {
        Path dir = SharedData.require("testdata/json-schema/jsonschemabench");
        Tokenizer tok = Llama3.tokenizer();
        TokenTrie trie = TokenTrie.of(tok);
        List<Path> files = SchemaBench.files(dir);
        int compared = 0;
        for (int f = 0; f < files.size() && compared < 3000; f += 41) {
            Map<String, Object> doc = Json.parseObject(Files.readString(files.get(f)), files.get(f).toString());
            Grammar g;
            try {
                g = SchemaGrammar.compile(doc.get("schema"));
            } catch (SchemaException | GrammarException e) {
                continue;
            }
            GrammarEngine e = new GrammarEngine(g, trie);
            for (Object to : (List<Object>) doc.get("tests")) {
                int[] ids = tok.encode(PythonJson.dumps(((Map<String, Object>) to).get("data")), false, false);
                List<byte[]> pieces = new ArrayList<>();
                for (int id : ids) {
                    pieces.add(trie.bytes(id));
                }
                walkAndCompare(e, pieces.toArray(byte[][]::new), files.get(f).getFileName().toString());
                compared += ids.length + 1;
            }
        }
        assertThat(compared).isGreaterThan(200);
    }
}
