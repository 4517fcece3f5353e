package jllm.eval.arena;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;
import jllm.model.LoadedModel;

/** A real (tiny) model as judge: asking in both orders makes its verdict independent of the sides. */
class ModelJudgeTest {
    @Test
    void swappingTheSidesSwapsTheVerdictAndEqualAnswersTie() {
        Path p = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf");
        try (LoadedModel m = LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 1))) {
            ModelJudge judge = new ModelJudge("stories", m.model(), m.tokenizer(), 256);
            ArenaPrompt q = new ArenaPrompt("Tell me a story about a dog.", List.of());
            List<String> answers = List.of("Once upon a time there was a dog named Max. Max liked to run in the park.",
                    "The the the the the.", "Lily saw a big red ball.", "A cat sat on a mat and slept.");
            for (String x : answers) {
                for (String y : answers) {
                    Outcome o = judge.decide(q, x, y);
                    if (x.equals(y)) {
                        assertThat(o).isEqualTo(Outcome.TIE);
                    } else {
                        assertThat(judge.decide(q, y, x)).isEqualTo(o.swapped());
                    }
                }
            }
            // the preference is a real logit difference
            assertThat(judge.preferenceForFirst(q.prompt(), answers.get(0), answers.get(1))).isNotZero();
            // a long answer is shortened to fit the context rather than refused
            String longAnswer = "The dog ran. ".repeat(200);
            assertThat(judge.decide(q, longAnswer, answers.get(0))).isIn((Object[]) Outcome.values());
            ModelJudge tiny = new ModelJudge("stories", m.model(), m.tokenizer(), 8);
            assertThatThrownBy(() -> tiny.decide(q, "a", "b")).hasMessageContaining("longer than the judge's context");
        }
    }
}
