package jllm.generate.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.model.LoadedModel;
import org.junit.jupiter.api.Test;

/**
 * The model-backed sampler on stories260K: whole samples are reproducible and differ across seeds;
 * greedy samples equal the Generator's greedy text; steps end at the first newline or at the end.
 */
class ModelSamplerTest {
    @Test
    void samplesAndStepsFromARealModel() {
        Path p = SharedData.require("testdata/models/stories260K/stories260K-F32.gguf");
        try (LoadedModel m = LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 1).withoutWarmUp())) {
            int[] prompt = m.tokenizer().encode("Once upon a time", true, false);
            SamplerSettings hot = SamplerSettings.DEFAULTS.withTemperature(1.0f).withSeed(3);
            List<ModelSampler.Sample> a = new ModelSampler(Session.of(m.model(), 256), m.tokenizer(), prompt, hot, 40).sample(4);
            List<ModelSampler.Sample> b = new ModelSampler(Session.of(m.model(), 256), m.tokenizer(), prompt, hot, 40).sample(4);
            assertThat(a).extracting(ModelSampler.Sample::text).isEqualTo(b.stream().map(ModelSampler.Sample::text).toList());
            for (ModelSampler.Sample x : a) {
                assertThat(m.tokenizer().decode(x.ids(), false)).isEqualTo(x.text());
            }
            assertThat(a.stream().map(ModelSampler.Sample::text).distinct().count()).as("distinct samples").isGreaterThan(1);
            assertThat(a).allMatch(s -> s.tokens() > 0 && s.tokens() <= 40);

            Session s = Session.of(m.model(), 256);
            String greedy = Generator.generate(s, m.tokenizer(), prompt, new Generator.Options(30, SamplerSettings.GREEDY,
                    List.of(), false), t -> { }, () -> false).text();
            ModelSampler g = new ModelSampler(Session.of(m.model(), 256), m.tokenizer(), prompt, SamplerSettings.GREEDY, 30);
            assertThat(g.sample(2)).extracting(ModelSampler.Sample::text).containsExactly(greedy, greedy);

            // stories260K writes "." and "\n" rarely; steps of 30 tokens either end in "\n" or end the reply
            for (StepSampler.Step step : new ModelSampler(Session.of(m.model(), 256), m.tokenizer(), prompt, hot, 30).extend("", 4)) {
                assertThat(step.done() || step.text().endsWith("\n")).as(step.text()).isTrue();
                assertThat(step.text().indexOf('\n')).isIn(-1, step.text().length() - 1);
                assertThat(step.tokens()).isBetween(1, 30);
            }
        }
    }
}
