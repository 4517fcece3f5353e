package jllm.model.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jllm.format.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a folder's chat template is found: tokenizer_config.json first, then chat_template.jinja. */
class HfChatTemplateTest {

    @Test
    void configWinsThenTheJinjaFileThenNothing(@TempDir Path dir) throws IOException {
        assertThat(HfChatTemplate.read(dir)).isEmpty();
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ messages[0]['content'] }}");
        assertThat(HfChatTemplate.read(dir)).contains("{{ messages[0]['content'] }}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"from config\"}");
        assertThat(HfChatTemplate.read(dir)).contains("from config");
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"t\"}, {\"name\": \"default\", \"template\": \"d\"}]}");
        assertThat(HfChatTemplate.read(dir)).contains("d");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");
        assertThat(HfChatTemplate.read(dir)).contains("{{ messages[0]['content'] }}");
    }

    @Test
    void theSharedFoldersTemplateIsRead() {
        Path dir = jllm.testing.SharedData.require("testdata/hf-models/qwen3-base");
        assertThat(HfChatTemplate.read(dir)).isPresent().get().asString().contains("im_start");
    }

    @Test
    void aHugeTemplateFileIsRefused(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("chat_template.jinja"), new byte[(int) HfChatTemplate.MAX_BYTES + 1]);
        assertThatThrownBy(() -> HfChatTemplate.read(dir)).isInstanceOf(ModelFormatException.class).hasMessageContaining("not read");
    }
}
