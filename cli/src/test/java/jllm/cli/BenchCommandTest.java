package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;
import jllm.format.json.Json;

/** jllm bench runs llama-bench's tests on a tiny model and reports them in llama-bench's fields. */
class BenchCommandTest {

    private static final String MODEL = "testdata/models/stories260K/stories260K-Q8_0.gguf";

    @Test
    void jsonRowsHaveLlamaBenchFields() throws Exception {
        String m = SharedData.require(MODEL).toString();
        CliRunner.Result r = CliRunner.run("bench", m, "-p", "16", "-n", "8", "-r", "2", "-t", "2", "--parallel", "1,3", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<?> rows = (List<?>) Json.parse(r.out(), "jllm bench --json");
        assertThat(rows).hasSize(3); // pp16, tg8, tg8 with 3 sequences
        for (Object o : rows) {
            Map<?, ?> row = (Map<?, ?>) o;
            assertThat(number(row, "avg_ts")).isPositive().isFinite();
            assertThat(number(row, "stddev_ts")).isNotNegative();
            assertThat(number(row, "n_threads")).isEqualTo(2);
            assertThat(number(row, "model_size")).isPositive();
            assertThat((String) row.get("model_type")).contains("Q8_0");
        }
        assertThat(number((Map<?, ?>) rows.get(0), "n_prompt")).isEqualTo(16);
        assertThat(number((Map<?, ?>) rows.get(0), "n_gen")).isZero();
        assertThat(number((Map<?, ?>) rows.get(1), "n_gen")).isEqualTo(8);
        assertThat(number((Map<?, ?>) rows.get(1), "n_parallel")).isEqualTo(1);
        assertThat(number((Map<?, ?>) rows.get(2), "n_parallel")).isEqualTo(3);
    }

    private static double number(Map<?, ?> row, String field) {
        assertThat(row.get(field)).as(field).isInstanceOf(Number.class);
        return ((Number) row.get(field)).doubleValue();
    }

    @Test
    void tableHasOneRowPerTest() {
        String m = SharedData.require(MODEL).toString();
        CliRunner.Result r = CliRunner.run("bench", m, "-p", "8", "-n", "4", "-r", "1", "-t", "1", "--parallel", "1,2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| pp8 |").contains("| tg4 |").contains("| tg4 x2 |");
    }

    @Test
    void absurdParallelIsAClearError() {
        String m = SharedData.require(MODEL).toString();
        CliRunner.Result r = CliRunner.run("bench", m, "-n", "4", "--parallel", "100000");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--parallel").doesNotContain("Exception");
    }
}
