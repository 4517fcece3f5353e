package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long {@code jllm scale}: micro models on a small synthetic text. scaling.json has every run,
 * the fit and the holdout; a second invocation trains nothing; the plots are well-formed SVG.
 */
class ScaleCommandTest {
    private static final String[] NAMES = {"Tom", "Lily", "Sam", "Mia", "Ben", "Zoe"};
    private static final String[] THINGS = {"ball", "cat", "dog", "cake", "kite", "tree", "boat", "hat"};

    @Test
    void sweepFitsPredictsAndResumesWithoutTraining(@TempDir Path tmp) throws Exception {
        Random rnd = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            String n = NAMES[rnd.nextInt(NAMES.length)];
            String t = THINGS[rnd.nextInt(THINGS.length)];
            text.append(n).append(" saw a ").append(t).append(". ").append(n).append(" liked the ").append(t)
                    .append(rnd.nextBoolean() ? " very much" : "").append(".\n\n");
        }
        Path corpus = Files.writeString(tmp.resolve("corpus.txt"), text);
        Path dir = tmp.resolve("sweep");
        String[] args = {"scale", corpus.toString(), "-o", dir.toString(), "--sizes", "16x1,16x2,32x1", "--tokens", "2k,4k,8k",
                "--holdout", "48x2", "--vocab", "300", "--batch", "2", "--ctx", "16", "--bootstrap", "20", "-t", "1"};
        CliRunner.Result first = CliRunner.run(args);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("holdout 48x2-8000: predicted").contains("measured");
        // the prediction was printed before the holdout's training started
        assertThat(first.err().indexOf("predicted loss")).isPositive().isLessThan(first.err().indexOf("holdout 48x2-8000: 55"));

        JsonNode json = new ObjectMapper().readTree(dir.resolve("scaling.json").toFile());
        assertThat(json.get("runs")).hasSize(9);
        for (JsonNode run : json.get("runs")) {
            for (String field : new String[]{"n_params", "n_params_non_embedding", "n_tokens", "val_loss", "compute", "tokens_per_s"}) {
                assertThat(run.get(field).asDouble()).as(field + " of " + run).isPositive();
            }
            assertThat(run.get("compute").asDouble()).isEqualTo(6.0 * run.get("n_params").asLong() * run.get("n_tokens").asLong());
            assertThat(run.get("n_params").asLong()).isGreaterThan(run.get("n_params_non_embedding").asLong());
        }
        // the micro models still learn: every run beats the uniform guess over 300 tokens (ln 300 = 5.7)
        assertThat(json.get("runs").findValues("val_loss")).allSatisfy(v -> assertThat(v.asDouble()).isLessThan(5.0));
        JsonNode fit = json.get("fit");
        for (String c : new String[]{"E", "A", "alpha", "B", "beta"}) {
            assertThat(fit.get(c).get("value").isNumber()).as(c).isTrue();
            assertThat(fit.get(c).get("interval")).as(c).hasSize(2);
        }
        JsonNode holdout = json.get("holdout");
        assertThat(holdout.get("n_params_non_embedding").asLong()).isGreaterThanOrEqualTo(3 * 13_392);
        assertThat(holdout.get("n_tokens").asLong()).isEqualTo(8000);
        assertThat(holdout.get("predicted").asDouble()).isPositive();
        assertThat(holdout.get("measured").asDouble()).isPositive();
        assertThat(json.get("power_laws").get("loss_vs_n")).hasSize(3);
        assertThat(json.get("power_laws").get("loss_vs_d")).hasSize(3);
        for (String svg : new String[]{"loss-vs-n.svg", "loss-vs-d.svg", "frontier.svg"}) {
            assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve(svg).toFile())
                    .getDocumentElement().getTagName()).isEqualTo("svg");
        }
        String before = Files.readString(dir.resolve("scaling.json"));

        CliRunner.Result second = CliRunner.run(args);
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("steps of").contains("done before").contains("recorded before it trained");
        assertThat(Files.readString(dir.resolve("scaling.json"))).isEqualTo(before);

        CliRunner.Result predict = CliRunner.run("scale", "-o", dir.toString(), "--predict", "40k,8k", "--bootstrap", "20");
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out()).containsPattern("N = 40k, D = 8k: predicted loss [0-9.]+ \\[[0-9.]+, [0-9.]+\\] \\(fit of 9 runs");
    }

    @Test
    void badInputGetsOneLine(@TempDir Path tmp) {
        CliRunner.Result noSweep = CliRunner.run("scale", "-o", tmp.resolve("none").toString(), "--predict", "1M,1M");
        assertThat(noSweep.exit()).isNotZero();
        assertThat(noSweep.err().strip()).startsWith("jllm: ").contains("holds no sweep");
        CliRunner.Result size = CliRunner.run("scale", "x.txt", "-o", tmp.toString(), "--sizes", "30x1,64x2", "--tokens", "1k,2k");
        assertThat(size.exit()).isNotZero();
        assertThat(size.err()).contains("no such file: x.txt");
        CliRunner.Result predict = CliRunner.run("scale", "-o", tmp.toString(), "--predict", "lots");
        assertThat(predict.err().strip()).isEqualTo("jllm: --predict takes N,D (non-embedding parameters and tokens), e.g. 2M,1M; got lots");
    }
}
