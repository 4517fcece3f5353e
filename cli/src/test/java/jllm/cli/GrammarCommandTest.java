package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jllm.testing.SharedData;

/** {@code jllm grammar test} and {@code jllm run --grammar-file/--json-schema}. */
class GrammarCommandTest {

    @TempDir
    Path tmp;

    @Test
    void grammarTestPrintsOneLinePerInstance() throws Exception {
        Path tok = SharedData.require("data/tokenizers/llama3");
        Path schema = Files.writeString(tmp.resolve("s.json"), """
                {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0, "maximum": 150}},
                 "required": ["name"], "additionalProperties": false}""");
        CliRunner.Result r = CliRunner.run("grammar", "test", "--json-schema", schema.toString(), "--tokenizer", tok.toString(),
                "{\"name\": \"Ada\", \"age\": 36}", "{\"name\": \"Ada\", \"age\": 151}", "{\"age\": 3}", "{\"name\": \"A\"");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly("accepted", "rejected at token 10", "rejected at token 1",
                "rejected at token 6 (the text is incomplete)");
    }

    @Test
    void anUnsupportedSchemaNamesTheKeywordsAndExitsWith3() throws Exception {
        Path tok = SharedData.require("data/tokenizers/llama3");
        Path schema = Files.writeString(tmp.resolve("bad.json"), "{\"type\": \"object\", \"unevaluatedProperties\": false, \"properties\": {\"t\": {\"type\": \"array\", \"uniqueItems\": true}}}");
        CliRunner.Result r = CliRunner.run("grammar", "test", "--json-schema", schema.toString(), "--tokenizer", tok.toString(), "{}");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err().strip()).isEqualTo("unsupported: unevaluatedProperties, uniqueItems");
    }

    @Test
    void runFollowsAGbnfGrammar() throws Exception {
        Path g = Files.writeString(tmp.resolve("yn.gbnf"), "root ::= \"The answer is \" (\"yes\" | \"no\") \".\"\n");
        Path model = SharedData.require("testdata/models/stories260K/stories260K-F32.gguf");
        CliRunner.Result r = CliRunner.run("run", model.toString(), "-p", "Once upon a time", "--grammar-file", g.toString(), "-n", "40", "--temp", "0.8");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).matches("The answer is (yes|no)\\.");
    }
}
