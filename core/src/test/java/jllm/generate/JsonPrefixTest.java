package jllm.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every prefix of a valid JSON object is accepted, and the whole one is complete; invalid text is refused. */
class JsonPrefixTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{ } ", "{\"a\":1}", "{\"a\": [1, -2.5e+3, 0, 0.25E-1, true, false, null, \"x\\\"y\\u00e9\"], \"b\": {}}",
            "{\"é\": \"日本\", \"n\": {\"m\": [[], [{}]]}}\n"})
    void validObjectsAndAllTheirPrefixes(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n <= b.length; n++) {
            JsonPrefix p = new JsonPrefix();
            assertThat(p.accept(java.util.Arrays.copyOf(b, n))).as("prefix %d of %s", n, json).isTrue();
            assertThat(p.complete()).isEqualTo(json.strip().length() == new String(b, 0, n, StandardCharsets.UTF_8).strip().length()
                    && n >= json.stripTrailing().getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"x\"", "1", "{a:1}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1,}", "{\"a\":tru }", "{\"a\":1}}",
            "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":[1 2]}", "{\"a\":1]", "{} x", " {}", "{\"a\":                 1}"})
    void invalidTextIsRefused(String text) {
        assertThat(new JsonPrefix().accept(text.getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65})
    void nestingIsBounded(int depth) {
        String s = "{\"a\":" + "[".repeat(depth - 1);
        assertThat(new JsonPrefix().accept(s.getBytes(StandardCharsets.US_ASCII))).isEqualTo(depth <= JsonPrefix.MAX_DEPTH);
    }
}
