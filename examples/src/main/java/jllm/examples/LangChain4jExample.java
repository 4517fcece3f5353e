package jllm.examples;

import dev.langchain4j.service.AiServices;
import jllm.api.GenerateOptions;
import jllm.api.Model;
import jllm.langchain4j.JllmChatModel;

/** LangChain4j's AI services on jllm, in process: {@code LangChain4jExample [MODEL]}. */
public final class LangChain4jExample {
    interface Assistant {
        String chat(String message);
    }

    enum Animal { CAT, DOG, BIRD }

    /** A structured answer: decoding follows this record's JSON schema. */
    record Story(Animal hero, boolean happyEnding) {
    }

    interface Classifier {
        Story classify(String story);
    }

    public static void main(String[] args) {
        String path = args.length > 0 ? args[0] : "models/builtin.gguf";
        try (Model model = Model.open(path)) {
            JllmChatModel chatModel = new JllmChatModel(model, GenerateOptions.builder().temperature(0).maxTokens(200).build());
            Assistant assistant = AiServices.create(Assistant.class, chatModel);
            System.out.println(assistant.chat("Tell me a story about a cat"));
            Classifier classifier = AiServices.create(Classifier.class, chatModel);
            System.out.println(classifier.classify("Tell me a story about a dog"));
        }
    }
}
