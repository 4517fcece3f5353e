package jllm.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact prompts of well-known templates, each derived by hand from the template text (whitespace
 * control, trim_blocks and lstrip_blocks applied as Jinja2 does) for {@link TemplateCorpus#CONVERSATION}.
 */
class ChatTemplateExactTest {

    private static final List<ChatMessage> CONVERSATION = TemplateCorpus.CONVERSATION;

    @Test
    void qwen25ChatMl() {
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("Qwen-Qwen2.5-7B-Instruct.jinja"));
        assertThat(template.render(CONVERSATION, true, "", "<|im_end|>")).isEqualTo("""
                <|im_start|>system
                You are helpful.<|im_end|>
                <|im_start|>user
                Hi there<|im_end|>
                <|im_start|>assistant
                Hello! How can I help?<|im_end|>
                <|im_start|>user
                What is 2+2?<|im_end|>
                <|im_start|>assistant
                """);
        assertThat(template.render(CONVERSATION.subList(1, 2), false, "", "")).isEqualTo("""
                <|im_start|>system
                You are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>
                <|im_start|>user
                Hi there<|im_end|>
                """);
        assertThat(template.generationPrompt("", "")).isEqualTo("<|im_start|>assistant\n");
    }

    private static final String LLAMA3_TURNS = "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nHello! How can I help?<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n";

    @Test
    void llama31WithItsDefaultAndAnInjectedDate() {
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("meta-llama-Llama-3.1-8B-Instruct.jinja"));
        String header = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: %s\n\nYou are helpful.<|eot_id|>";
        assertThat(template.render(CONVERSATION, true, "<|begin_of_text|>", "<|eot_id|>"))
                .isEqualTo(header.formatted("26 Jul 2024") + LLAMA3_TURNS);
        assertThat(template.render(CONVERSATION, true,
                Map.of("bos_token", "<|begin_of_text|>", "date_string", "07 Mar 2025")))
                .isEqualTo(header.formatted("07 Mar 2025") + LLAMA3_TURNS);
    }

    @Test
    void llama32TakesTodayFromTheInjectedClock() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-07T23:30:00Z"), ZoneOffset.UTC);
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("meta-llama-Llama-3.2-3B-Instruct.jinja"),
                ChatTemplateOptions.defaults().withClock(clock));
        assertThat(template.render(CONVERSATION, true, "<|begin_of_text|>", "<|eot_id|>")).isEqualTo(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2025\n\nYou are helpful.<|eot_id|>"
                        + LLAMA3_TURNS);
    }

    @Test
    void llama31KeepsAToolsInUserMessageFlagThatIsSetToFalse() {
        // "not x is defined" is "not (x is defined)" in Jinja2; a wrong precedence would reset the flag to true.
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("meta-llama-Llama-3.1-8B-Instruct.jinja"));
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "add");
        function.put("description", "Adds.");
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        String prompt = template.render(CONVERSATION.subList(0, 2), true,
                Map.of("tools", List.of(tool), "tools_in_user_message", false));
        assertThat(prompt).contains("Environment: ipython\n").contains("You have access to the following functions.")
                .contains("Do not use variables.\n\n{\n    \"type\": \"function\",\n    \"function\": {\n"
                        + "        \"name\": \"add\",\n        \"description\": \"Adds.\"\n    }\n}\n\nYou are helpful.<|eot_id|>")
                .doesNotContain("Given the following functions");
    }

    @Test
    void mistralNemoPutsTheSystemMessageIntoTheLastUserTurn() {
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("mistralai-Mistral-Nemo-Instruct-2407.jinja"));
        assertThat(template.render(CONVERSATION, true, "<s>", "</s>")).isEqualTo(
                "<s>[INST]Hi there[/INST]Hello! How can I help?</s>[INST]You are helpful.\n\nWhat is 2+2?[/INST]");
        assertThat(template.generationPrompt("<s>", "</s>")).isEmpty();
    }

    @Test
    void gemma2WithoutASystemMessage() {
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("google-gemma-2-2b-it.jinja"));
        assertThat(template.render(CONVERSATION.subList(1, 4), true, "<bos>", "<eos>")).isEqualTo("""
                <bos><start_of_turn>user
                Hi there<end_of_turn>
                <start_of_turn>model
                Hello! How can I help?<end_of_turn>
                <start_of_turn>user
                What is 2+2?<end_of_turn>
                <start_of_turn>model
                """);
    }

    @Test
    void phi35() {
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("microsoft-Phi-3.5-mini-instruct.jinja"));
        assertThat(template.render(CONVERSATION, true, "<s>", "<|endoftext|>")).isEqualTo("""
                <|system|>
                You are helpful.<|end|>
                <|user|>
                Hi there<|end|>
                <|assistant|>
                Hello! How can I help?<|end|>
                <|user|>
                What is 2+2?<|end|>
                <|assistant|>
                """);
        assertThat(template.render(CONVERSATION.subList(1, 2), false, "<s>", "<|endoftext|>"))
                .isEqualTo("<|user|>\nHi there<|end|>\n<|endoftext|>");
    }

    @Test
    void deepSeekR1DistillLlama() {
        ChatTemplate template = ChatTemplate.of(TemplateCorpus.read("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja"));
        String bos = "<｜begin▁of▁sentence｜>";
        assertThat(template.render(CONVERSATION, true, bos, "<｜end▁of▁sentence｜>")).isEqualTo(
                bos + "You are helpful.<｜User｜>Hi there<｜Assistant｜>Hello! How can I help?<｜end▁of▁sentence｜>"
                        + "<｜User｜>What is 2+2?<｜Assistant｜><think>\n");
        // An earlier reply's reasoning is dropped: content.split('</think>')[-1].
        List<ChatMessage> withThinking = List.of(ChatMessage.user("Q"), ChatMessage.assistant("<think>hmm</think>A"),
                ChatMessage.user("Q2"));
        assertThat(template.render(withThinking, false, bos, ""))
                .isEqualTo(bos + "<｜User｜>Q<｜Assistant｜>A<｜end▁of▁sentence｜><｜User｜>Q2");
    }

    @Test
    void fallbackIsChatMl() {
        ChatTemplate template = ChatTemplates.fallback();
        assertThat(template.render(CONVERSATION.subList(0, 2), true, "", "")).isEqualTo(
                "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
        assertThat(template.generationPrompt("", "")).isEqualTo("<|im_start|>assistant\n");
    }
}
