package jllm.eval.redteam;

import java.util.List;
import java.util.Optional;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.model.LanguageModel;
import jllm.tokenizer.Tokenizer;

/**
 * A model in process: the prompt goes through the model's chat template (ChatML when it has none) as one
 * user message and the reply is decoded greedily. A prompt that leaves no room to generate in the context
 * is {@link Target.Status#TOO_LONG}, as a server answers {@code context_length_exceeded}.
 *
 * <pre>{@code
 * try (LoadedModel m = LoadedModel.open(path, LoadedModel.Options.DEFAULT)) {
 *     Target t = new ModelTarget("builtin", m.model(), m.tokenizer(), m.chatTemplate(), 256, 64);
 * }
 * }</pre>
 */
public final class ModelTarget implements Target {
    private final String name;
    private final Tokenizer tokenizer;
    private final ChatPrompt chat;
    private final int contextLength;
    private final int maxTokens;
    private final Session session;

    /**
     * @param contextLength positions of the session the replies are decoded in
     * @param maxTokens     the most tokens per reply
     */
    public ModelTarget(String name, LanguageModel model, Tokenizer tokenizer, Optional<String> chatTemplate, int contextLength,
                       int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("the most tokens per reply must be positive, got " + maxTokens);
        }
        this.name = name;
        this.tokenizer = tokenizer;
        this.chat = ChatPrompt.of(chatTemplate, tokenizer);
        this.contextLength = contextLength;
        this.maxTokens = maxTokens;
        this.session = Session.of(model, contextLength);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Reply send(String prompt, long seed) {
        int[] tokens = chat.tokens(List.of(ChatMessage.user(prompt)));
        if (tokens.length >= contextLength) {
            return new Reply(Status.TOO_LONG, "", "the prompt has " + tokens.length + " tokens; the context holds " + contextLength);
        }
        Generator.Result r = Generator.generate(session, tokenizer, tokens,
                new Generator.Options(Math.min(maxTokens, contextLength - tokens.length), SamplerSettings.GREEDY.withSeed(seed), List.of(), false),
                piece -> { }, () -> false);
        return Reply.answered(r.text().strip());
    }
}
