package jllm.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.chat.reply.AssistantTurn;
import jllm.chat.reply.ChatTools;
import jllm.chat.reply.ReplyEvent;
import jllm.generate.ContextLength;
import jllm.generate.Generator;
import jllm.generate.Session;
import jllm.generate.TokenLogprob;
import jllm.generate.grammar.Grammar;
import jllm.hub.HfCache;
import jllm.hub.HfName;
import jllm.model.Embeddings;
import jllm.model.LoadedModel;
import jllm.model.ModelInfo;

/**
 * A language model opened for use from Java: complete a prompt, stream it, chat with the model's own
 * template, embed texts, tokenize, and read next-token log-probabilities.
 *
 * <p>Thread-safe: concurrent calls share the weights, and each call has its own KV cache (sized to its
 * prompt and token limit, at most the context length). Close the model when done: it holds the file's
 * mapping and the compute threads.
 *
 * <pre>{@code
 * try (Model model = Model.open("models/builtin.gguf")) {
 *     Completion c = model.chat(List.of(ChatMessage.user("Tell me a story about a cat")),
 *             GenerateOptions.builder().temperature(0).maxTokens(100).build());
 *     System.out.println(c.text());
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {

    /**
     * How to open a model.
     *
     * @param threads       compute threads; 0 = all cores
     * @param contextLength positions each call may use; 0 = the model's trained context, at most
     *                      {@value ContextLength#DEFAULT_MAX} ({@link ContextLength})
     * @param tokenizer     a tokenizer file to use instead of the model's own (tokenizer.json, llama2.c
     *                      tokenizer.bin or a GGUF)
     */
    public record Options(int threads, int contextLength, Optional<Path> tokenizer) {
        /** All cores, the default context, the model's own tokenizer. */
        public static final Options DEFAULTS = new Options(0, 0, Optional.empty());

        public Options {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be 0 (all cores) or positive, got " + threads);
            }
            if (contextLength < 0) {
                throw new IllegalArgumentException("contextLength must be 0 (the default) or positive, got " + contextLength);
            }
            Objects.requireNonNull(tokenizer, "tokenizer");
        }

        /** These options with {@code n} compute threads. */
        public Options withThreads(int n) {
            return new Options(n, contextLength, tokenizer);
        }

        /** These options with a context of {@code n} positions per call. */
        public Options withContextLength(int n) {
            return new Options(threads, n, tokenizer);
        }

        /** These options with a tokenizer file of its own. */
        public Options withTokenizer(Path file) {
            return new Options(threads, contextLength, Optional.of(file));
        }
    }

    private final LoadedModel loaded;
    private final ChatPrompt chatPrompt;
    private final ContextLength context;

    private Model(LoadedModel loaded, ContextLength context) {
        this.loaded = loaded;
        this.chatPrompt = ChatPrompt.of(loaded.chatTemplate(), loaded.tokenizer());
        this.context = context;
    }

    /**
     * Opens a model: a GGUF file, a llama2.c checkpoint, a Hugging Face safetensors folder, or a pulled
     * name {@code hf:OWNER/REPO[:QUANT|/FILE]} (found in the Hugging Face cache, without network; pull it
     * first with {@code jllm pull}).
     */
    public static Model open(String pathOrName) {
        return open(pathOrName, Options.DEFAULTS);
    }

    /** {@link #open(String)} with options. */
    public static Model open(String pathOrName, Options options) {
        Objects.requireNonNull(pathOrName, "pathOrName");
        Path path = HfName.isName(pathOrName) ? HfCache.fromEnvironment().require(HfName.parse(pathOrName)) : Path.of(pathOrName);
        return open(path, options);
    }

    /** Opens a model file or folder. */
    public static Model open(Path path) {
        return open(path, Options.DEFAULTS);
    }

    /** Opens a model file or folder with options. */
    public static Model open(Path path, Options options) {
        LoadedModel loaded = LoadedModel.open(path, new LoadedModel.Options(options.tokenizer(), options.threads()));
        try {
            return new Model(loaded, ContextLength.choose(options.contextLength(), loaded.model().info().contextLength()));
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /** The model's hyperparameters. */
    public ModelInfo info() {
        return loaded.model().info();
    }

    /** Positions each call may use (prompt and generated tokens together). */
    public int contextLength() {
        return context.positions();
    }

    /** The loaded model underneath, for what this API does not cover. */
    public LoadedModel loaded() {
        return loaded;
    }

    // ---- text in, text out ----------------------------------------------------------------------

    /** Continues {@code prompt} (the model's BOS token is put before it, as llama.cpp does). */
    public Completion complete(String prompt, GenerateOptions options) {
        return stream(prompt, options, piece -> { });
    }

    /** {@link #complete(String, GenerateOptions)} with the default options. */
    public Completion complete(String prompt) {
        return complete(prompt, GenerateOptions.DEFAULTS);
    }

    /** Continues {@code prompt}, giving each piece of text to {@code onText} as it is generated. */
    public Completion stream(String prompt, GenerateOptions options, Consumer<String> onText) {
        return generate(tokenize(prompt), options, onText, () -> false);
    }

    /**
     * Continues {@code prompt} as a publisher of text pieces. Each subscription runs its own generation
     * (on a thread of its own); cancelling the subscription stops it; the subscriber's {@code onError}
     * receives what went wrong.
     */
    public Flow.Publisher<String> publisher(String prompt, GenerateOptions options) {
        int[] tokens = tokenize(prompt);
        return subscriber -> publish(tokens, options, subscriber);
    }

    // ---- chat -------------------------------------------------------------------------------------

    /** The assistant's reply to a conversation, through the model's chat template (ChatML when it has none). */
    public Completion chat(List<ChatMessage> messages, GenerateOptions options) {
        return chat(messages, options, piece -> { });
    }

    /** {@link #chat(List, GenerateOptions)}, giving each piece of the reply to {@code onText} as it is generated. */
    public Completion chat(List<ChatMessage> messages, GenerateOptions options, Consumer<String> onText) {
        return generate(chatPrompt.tokens(messages), options, onText, () -> false);
    }

    /** {@link #chat(List, GenerateOptions)} as a publisher of text pieces (see {@link #publisher}). */
    public Flow.Publisher<String> chatPublisher(List<ChatMessage> messages, GenerateOptions options) {
        int[] tokens = chatPrompt.tokens(messages);
        return subscriber -> publish(tokens, options, subscriber);
    }

    /**
     * The assistant's reply to a conversation with tools it may call and template switches, read in the
     * model's own format (Hermes/Qwen, Llama 3.1, Mistral, or generic JSON when its template knows no
     * tools): answer, reasoning and tool calls. A forced call ({@link ChatTools.Choice#REQUIRED} or a named
     * function) is decoded under the grammar of the tools' calls, so it parses and its arguments follow
     * the tool's schema.
     *
     * @param tools   the tools offered and how they may be called ({@link ChatTools#NONE}: plain chat)
     * @param kwargs  template switches, e.g. {@code Map.of("enable_thinking", false)}
     * @param options generation options; a constraint may not be given with a forced call
     * @param onEvent receives each piece of the reply (answer text, reasoning text, whole calls) as it is read
     * @throws jllm.chat.ChatTemplateException when the model's template rejects the conversation
     * @throws jllm.generate.schema.SchemaException when a forced tool's parameters cannot constrain a call
     */
    public ChatReply chat(List<ChatMessage> messages, ChatTools tools, Map<String, Object> kwargs, GenerateOptions options,
                          Consumer<ReplyEvent> onEvent) {
        Objects.requireNonNull(onEvent, "onEvent");
        String ids = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
        AssistantTurn turn = AssistantTurn.of(chatPrompt, messages, tools, kwargs,
                options.constraint().map(Constraint::compile).orElse(null), ids);
        Completion c = generate(turn.tokens(), options, turn.grammar(), turn.specialText(), piece -> turn.feed(piece).forEach(onEvent),
                () -> false);
        turn.flush().forEach(onEvent);
        return ChatReply.of(turn.reply(), c);
    }

    /** {@link #chat(List, ChatTools, Map, GenerateOptions, Consumer)} without a listener. */
    public ChatReply chat(List<ChatMessage> messages, ChatTools tools, Map<String, Object> kwargs, GenerateOptions options) {
        return chat(messages, tools, kwargs, options, e -> { });
    }

    /** The prompt text a conversation becomes, ending with the header of the assistant's reply. */
    public String chatPromptText(List<ChatMessage> messages) {
        return chatPrompt.render(messages);
    }

    // ---- tokens, log-probabilities, embeddings ------------------------------------------------------

    /** The tokens of {@code text} as a prompt: BOS first when the model has one; special-token texts stay text. */
    public int[] tokenize(String text) {
        return loaded.tokenizer().encode(text, true, false);
    }

    /** The text of tokens (special tokens such as BOS left out). */
    public String detokenize(int[] tokens) {
        return loaded.tokenizer().decode(tokens, false);
    }

    /** The {@code k} most likely next tokens after {@code prompt}, most likely first. */
    public List<NextToken> logprobs(String prompt, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        int[] tokens = tokenize(prompt);
        checkFits(tokens.length, 0);
        float[] logits = Session.of(loaded.model(), tokens.length).prefill(tokens);
        List<NextToken> out = new ArrayList<>(k);
        for (TokenLogprob t : TokenLogprob.score(logits, 0, k).top()) {
            out.add(new NextToken(t.id(), loaded.tokenizer().decode(new int[]{t.id()}, true), t.logprob()));
        }
        return out;
    }

    /**
     * Embeddings of texts: the mean of the model's final hidden states over each text's tokens,
     * L2-normalized, one (dim) vector per text.
     *
     * @throws UnsupportedOperationException when the architecture does not expose hidden states
     */
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(embed(text));
        }
        return out;
    }

    /** The embedding of one text (see {@link #embed(List)}). */
    public float[] embed(String text) {
        int[] tokens = tokenize(text);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("cannot embed an empty text");
        }
        checkFits(tokens.length, 0);
        return Embeddings.pooled(loaded.model(), tokens);
    }

    @Override
    public void close() {
        loaded.close();
    }

    // ---- plumbing ---------------------------------------------------------------------------------------

    private void checkFits(int promptTokens, int room) {
        if (promptTokens + room > context.positions()) {
            throw new IllegalArgumentException("the prompt has " + promptTokens + " tokens but the context holds "
                    + context.describe().replace("--ctx", "Options.contextLength")
                    + (room > 0 ? ", and at least one must be left to generate" : "") + "; shorten the prompt");
        }
    }

    private Completion generate(int[] prompt, GenerateOptions options, Consumer<String> onText, BooleanSupplier cancelled) {
        return generate(prompt, options, options.constraint().map(Constraint::compile).orElse(null), onText, cancelled);
    }

    private Completion generate(int[] prompt, GenerateOptions options, Grammar grammar, Consumer<String> onText,
                                BooleanSupplier cancelled) {
        return generate(prompt, options, grammar, false, onText, cancelled);
    }

    /** @param specialText write control tokens into the text (a reply format whose markers are such tokens) */
    private Completion generate(int[] prompt, GenerateOptions options, Grammar grammar, boolean specialText, Consumer<String> onText,
                                BooleanSupplier cancelled) {
        checkFits(prompt.length, 1);
        int positions = (int) Math.min(context.positions(), (long) prompt.length + options.maxTokens());
        Session session = Session.of(loaded.model(), positions);
        Generator.Options g = new Generator.Options(Math.min(options.maxTokens(), positions - prompt.length),
                options.sampler(), options.stop(), false).withSpecialText(specialText);
        if (grammar != null) {
            g = g.withGrammar(grammar);
        }
        Generator.Result r = Generator.generate(session, loaded.tokenizer(), prompt, g, onText, cancelled);
        return new Completion(r.text(), r.finishReason(), r.promptTokens(), r.tokens().length);
    }

    private void publish(int[] prompt, GenerateOptions options, Flow.Subscriber<? super String> subscriber) {
        // a bounded buffer: submit blocks while the subscriber has not asked for more, which pauses generation
        SubmissionPublisher<String> out = new SubmissionPublisher<>();
        out.subscribe(subscriber);
        Thread.ofPlatform().daemon().name("jllm-generate").start(() -> {
            try {
                generate(prompt, options, piece -> {
                    if (out.getNumberOfSubscribers() > 0) {
                        out.submit(piece);
                    }
                }, () -> out.getNumberOfSubscribers() == 0);
                out.close();
            } catch (RuntimeException e) {
                out.closeExceptionally(e);
            }
        });
    }
}
