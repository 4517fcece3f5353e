package jllm.train.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import jllm.chat.ChatMessage;

/** The built-in model's identity data: English its tokenizer covers, and one answer per question. */
class IdentityQaTest {
    private static final List<String> STORIES = List.of(
            "Once upon a time, a little cat sat in the sun. The cat was happy and purred all day long.",
            "Tom had a red ball. He threw the ball to his dog, and the dog ran after it.");

    @Test
    void conversationsAreAsciiUserAssistantTurnsWithOneAnswerPerQuestion() {
        List<List<ChatMessage>> convs = IdentityQa.conversations(STORIES, new Random(2027));
        assertThat(convs).hasSizeBetween(400, 500);
        Map<String, String> answerOf = new HashMap<>();
        for (List<ChatMessage> conv : convs) {
            assertThat(conv.size()).isIn(2, 4);
            for (int i = 0; i < conv.size(); i += 2) {
                ChatMessage q = conv.get(i);
                ChatMessage a = conv.get(i + 1);
                assertThat(q.role()).isEqualTo("user");
                assertThat(a.role()).isEqualTo("assistant");
                assertThat(BuiltinData.isAscii(q.content()) && BuiltinData.isAscii(a.content())).as(conv.toString()).isTrue();
                if (!a.content().startsWith("Once upon a time") && !a.content().startsWith("Tom had")) {
                    String before = answerOf.putIfAbsent(q.content(), a.content());
                    assertThat(before == null || before.equals(a.content())).as(q.content()).isTrue();
                }
            }
        }
        assertThat(answerOf.get("Who are you?")).contains("jllm-tiny", "the jllm project");
        assertThat(answerOf.get("What can you do?")).contains("stories");
    }

    @Test
    void otherIntentPairsRejectAnotherQuestionsAnswer() {
        List<String[]> pairs = IdentityQa.otherIntentPairs(new Random(2029));
        assertThat(pairs).isNotEmpty().allMatch(p -> !p[1].equals(p[2]));
        assertThat(pairs).filteredOn(p -> p[0].equals("Who are you?")).singleElement()
                .satisfies(p -> assertThat(p[1]).isEqualTo(IdentityQa.WHO.answer()));
    }
}
