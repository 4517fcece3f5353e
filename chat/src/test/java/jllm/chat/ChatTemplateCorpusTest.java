package jllm.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every real template renders a system + user + assistant + user conversation. */
class ChatTemplateCorpusTest {

    /** Templates that reject a system message with raise_exception, and the message they raise. */
    private static final Map<String, String> REJECTS_SYSTEM = Map.of(
            "google-gemma-2-2b-it.jinja", "System role not supported");

    private static final ChatTemplateOptions FIXED_CLOCK = ChatTemplateOptions.defaults()
            .withClock(Clock.fixed(Instant.parse("2025-03-07T12:00:00Z"), ZoneOffset.UTC));

    @TestFactory
    Stream<DynamicTest> everyTemplateRendersAConversation() {
        List<Path> files = TemplateCorpus.templates();
        assertThat(files).hasSizeGreaterThanOrEqualTo(50);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            ChatTemplate template = ChatTemplate.of(TemplateCorpus.read(file), FIXED_CLOCK);
            List<ChatMessage> conversation = TemplateCorpus.CONVERSATION;
            if (REJECTS_SYSTEM.containsKey(name)) {
                ChatTemplateException e = catchThrowableOfType(ChatTemplateException.class,
                        () -> template.render(TemplateCorpus.CONVERSATION, true, "<s>", "</s>"));
                assertThat(e).as("expected the template's own raise").isNotNull();
                assertThat(e.raisedByTemplate()).isTrue();
                assertThat(e.getMessage()).isEqualTo(REJECTS_SYSTEM.get(name));
                assertThat(template.source()).contains(e.getMessage());
                conversation = conversation.subList(1, conversation.size());
            }
            String prompt = template.render(conversation, true, "<s>", "</s>");
            assertThat(prompt).contains("Hi there").contains("What is 2+2?");
            assertThat(prompt.indexOf("Hi there")).isLessThan(prompt.lastIndexOf("What is 2+2?"));
            if (conversation.getFirst().role().equals("system")) {
                assertThat(prompt).contains("You are helpful.");
            }
            assertThat(prompt).doesNotContain("{{").doesNotContain("{%");
        }));
    }
}
