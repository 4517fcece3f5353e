package jllm.train;

import java.util.ArrayList;
import java.util.List;

import jllm.chat.ChatMessage;
import jllm.chat.ChatTemplate;
import jllm.model.LoadedModel;
import jllm.tokenizer.TokenType;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Vocabulary;

/**
 * Turns a conversation into token ids with the model's chat template, marking which tokens the loss
 * covers: each assistant reply's tokens up to and including the end-of-turn token, nothing else. The
 * template is rendered incrementally (the prefix before each reply with the generation prompt, then with
 * the reply) so any template works; the difference is the reply.
 */
public final class ChatTokenizer {
    /**
     * A tokenized conversation.
     *
     * @param tokens  ids, BOS first when the vocabulary adds it
     * @param trained whether the loss covers predicting {@code tokens[i]} from the tokens before it
     */
    public record Example(int[] tokens, boolean[] trained) {
        /** Number of tokens the loss covers. */
        public int trainedCount() {
            int n = 0;
            for (boolean t : trained) {
                n += t ? 1 : 0;
            }
            return n;
        }

        /**
         * Trained tokens that a window of the first {@code maxLen} tokens still predicts (token 0 is never
         * predicted): what is left to learn from this conversation when it is cut to maxLen.
         */
        public int trainedWithin(int maxLen) {
            int n = 0;
            for (int i = 1; i < Math.min(maxLen, trained.length); i++) {
                n += trained[i] ? 1 : 0;
            }
            return n;
        }

        /** Index of the first trained token, or -1. */
        public int firstTrained() {
            for (int i = 0; i < trained.length; i++) {
                if (trained[i]) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final String endOfTurn;
    private final int endOfTurnId;
    private final int bos;

    /**
     * The chat tokenizer of a model loaded for training: its own template (required: {@code file} names the
     * model in the error), its tokenizer, BOS as the model adds it.
     */
    static ChatTokenizer of(GgufImport.Loaded model, java.nio.file.Path file, String endOfTurn) {
        String template = model.tokenizer().chatTemplate().orElseThrow(() ->
                new IllegalArgumentException(file + " has no chat template"));
        int bos = model.tokenizer().addBos() ? model.tokenizer().bos() : -1;
        return new ChatTokenizer(template, model.tokenizer().toTokenizer(), endOfTurn, bos);
    }

    /**
     * The chat tokenizer of a model loaded for inference: its own template (required: {@code file} names the
     * model in the error), its tokenizer, BOS as its vocabulary adds it.
     */
    public static ChatTokenizer of(LoadedModel model, java.nio.file.Path file, String endOfTurn) {
        String template = model.chatTemplate().orElseThrow(() -> new IllegalArgumentException(file + " has no chat template"));
        Vocabulary v = model.tokenizer().vocabulary();
        return new ChatTokenizer(template, model.tokenizer(), endOfTurn, v.addBos() ? v.bos() : -1);
    }

    /** The Jinja source of the template conversations are rendered with. */
    String templateSource() {
        return template.source();
    }

    /**
     * @param tokenizer the model's tokenizer (special-token texts in the rendered template become their ids)
     * @param endOfTurn the text of the special token that ends a reply (e.g. {@code <|im_end|>})
     * @param bos       BOS id to prepend, or -1
     */
    public ChatTokenizer(String template, Tokenizer tokenizer, String endOfTurn, int bos) {
        this.template = ChatTemplate.of(template);
        this.tokenizer = tokenizer;
        this.endOfTurn = endOfTurn;
        this.endOfTurnId = specialId(tokenizer, endOfTurn);
        this.bos = bos;
    }

    /** The id of the special token {@code text}; an error naming it when the vocabulary has no such special token. */
    private static int specialId(Tokenizer tokenizer, String text) {
        int id = tokenizer.vocabulary().id(text).orElse(-1);
        if (id < 0 || tokenizer.vocabulary().type(id) != TokenType.CONTROL) {
            throw new IllegalArgumentException(text + " is not a special token of the model's vocabulary");
        }
        return id;
    }

    /** The prompt of a conversation ending with the generation prompt (for sampling and DPO). */
    public int[] prompt(List<ChatMessage> messages) {
        return withBos(encode(render(messages, true)));
    }

    /** The conversation's tokens and loss mask (every assistant reply trained). */
    public Example encode(List<ChatMessage> messages) {
        return encode(messages, false);
    }

    /** The conversation's tokens and loss mask; with {@code lastReplyOnly} only the final reply is trained (DPO). */
    public Example encode(List<ChatMessage> messages, boolean lastReplyOnly) {
        List<Integer> ids = new ArrayList<>();
        List<Boolean> mask = new ArrayList<>();
        if (bos >= 0) {
            ids.add(bos);
            mask.add(false);
        }
        String done = "";
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).role().equals("assistant")) {
                continue;
            }
            String prefix = render(messages.subList(0, i), true);
            String full = render(messages.subList(0, i + 1), false);
            if (!prefix.startsWith(done) || !full.startsWith(prefix)) {
                throw new IllegalArgumentException("the chat template does not render conversations incrementally; "
                        + "cannot tell the assistant's tokens apart");
            }
            add(ids, mask, prefix.substring(done.length()), false);
            String reply = full.substring(prefix.length());
            int end = reply.indexOf(endOfTurn);
            if (end < 0) {
                throw new IllegalArgumentException("the rendered reply does not end with " + endOfTurn);
            }
            end += endOfTurn.length();
            add(ids, mask, reply.substring(0, end), !lastReplyOnly || i == messages.size() - 1);
            add(ids, mask, reply.substring(end), false);
            done = full;
        }
        String all = render(messages, false);
        if (all.length() > done.length()) {
            add(ids, mask, all.substring(done.length()), false);
        }
        int[] t = new int[ids.size()];
        boolean[] m = new boolean[ids.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = ids.get(i);
            m[i] = mask.get(i);
        }
        return new Example(t, m);
    }

    /** The text of ids (special tokens as their text). */
    public String decode(int[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The id of the end-of-turn token. */
    public int endOfTurnId() {
        return endOfTurnId;
    }

    private String render(List<ChatMessage> messages, boolean generationPrompt) {
        return messages.isEmpty() && !generationPrompt ? "" : template.render(messages, generationPrompt, "", endOfTurn);
    }

    private void add(List<Integer> ids, List<Boolean> mask, String text, boolean trained) {
        for (int id : encode(text)) {
            ids.add(id);
            mask.add(trained);
        }
    }

    /** The ids of rendered text: no BOS added, special-token texts parsed. */
    private int[] encode(String text) {
        return tokenizer.encode(text, false, true);
    }

    private int[] withBos(int[] ids) {
        if (bos < 0) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
