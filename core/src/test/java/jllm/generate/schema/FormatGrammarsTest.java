package jllm.generate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jllm.generate.grammar.GrammarEngine;
import jllm.generate.grammar.GrammarMatcher;
import jllm.generate.grammar.TokenTrie;

/** The format grammars agree with the validator ({@link Formats}) on the calendar: every day of leap and common years. */
class FormatGrammarsTest {

    @Test
    void dateGrammarFollowsTheCalendarAsTheValidatorDoes() {
        byte[][] bytes = new byte[257][];
        bytes[0] = new byte[0];
        for (int i = 0; i < 256; i++) {
            bytes[i + 1] = new byte[] {(byte) i};
        }
        TokenTrie trie = new TokenTrie(bytes, Set.of(0));
        GrammarEngine date = new GrammarEngine(SchemaGrammar.compile(Map.of("type", "string", "format", "date")), trie);
        int checked = 0;
        for (String year : List.of("0000", "1900", "2000", "2023", "2024", "2100", "2400", "1996", "9999")) {
            for (int month = 0; month <= 13; month++) {
                for (int day = 0; day <= 32; day++) {
                    String d = "%s-%02d-%02d".formatted(year, month, day);
                    GrammarMatcher m = date.matcher();
                    boolean grammar = m.advance(("\"" + d + "\"").getBytes(StandardCharsets.UTF_8)) && m.accepting();
                    assertThat(grammar).as(d).isEqualTo(Formats.check("date", d));
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(9 * 14 * 33);
    }
}
