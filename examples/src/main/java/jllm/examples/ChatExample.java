package jllm.examples;

import java.util.List;

import jllm.api.Completion;
import jllm.api.GenerateOptions;
import jllm.api.Model;
import jllm.chat.ChatMessage;

/** A chat with a model through jllm's Java API: {@code ChatExample [MODEL]} (a file, folder or hf: name). */
public final class ChatExample {
    public static void main(String[] args) {
        String path = args.length > 0 ? args[0] : "models/builtin.gguf";
        try (Model model = Model.open(path)) {
            GenerateOptions options = GenerateOptions.builder().temperature(0).maxTokens(100).build();
            List<ChatMessage> chat = List.of(ChatMessage.user("Who are you?"));
            Completion reply = model.chat(chat, options, System.out::print); // streams as it generates
            System.out.println();
            System.out.println("(" + reply.generatedTokens() + " tokens, " + reply.finishReason() + ")");
        }
    }
}
