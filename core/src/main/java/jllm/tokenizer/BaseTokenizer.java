package jllm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What every tokenizer family shares: splitting the input on special/added token texts (llama.cpp's
 * {@code tokenizer_st_partition}), adding BOS/EOS, and decoding through {@link #tokenBytes}.
 * A family supplies how plain text becomes ids and how a normal token becomes bytes.
 */
abstract class BaseTokenizer implements Tokenizer {
    protected final Vocabulary vocab;
    /** Ids that may be matched in input text, longest text first (ties: lower id first). */
    private final int[] specialIds;

    BaseTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        List<Integer> sp = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            TokenType t = vocab.type(id);
            if ((t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN)
                    && !vocab.token(id).isEmpty()) {
                sp.add(id);
            }
        }
        sp.sort(Comparator.comparingInt((Integer id) -> -vocab.token(id).length()).thenComparingInt(id -> id));
        this.specialIds = sp.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public final Vocabulary vocabulary() {
        return vocab;
    }

    /**
     * Encodes one stretch of ordinary text (no special tokens inside).
     *
     * @param first whether this stretch starts the input or follows a special token (SPM adds its
     *              dummy-prefix space only there)
     */
    abstract void encodeText(String text, boolean first, IntList out);

    /** Bytes of a token that is neither control nor unknown nor user-defined. */
    abstract byte[] normalTokenBytes(int id);

    /** Bytes of a user-defined (added, non-special) token: its text as written. */
    byte[] userDefinedBytes(int id) {
        return vocab.token(id).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether decode drops one leading space (SentencePiece's dummy prefix). */
    boolean stripsLeadingSpace() {
        return false;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && vocab.addBos()) {
            out.add(vocab.bos());
        }
        boolean first = true;
        for (Object f : partition(text, parseSpecial)) {
            if (f instanceof String s) {
                encodeText(s, first, out);
                first = false;
            } else {
                out.add((Integer) f);
                first = true;
            }
        }
        if (addSpecial && vocab.addEos()) {
            out.add(vocab.eos());
        }
        return out.toArray();
    }

    /**
     * Splits text into ordinary stretches (String) and special token ids (Integer), matching the
     * longest special texts first, as llama.cpp does. Control and unknown texts are matched only
     * when {@code parseSpecial}; user-defined texts always. Tokens marked lstrip/rstrip swallow
     * the whitespace beside them.
     */
    final List<Object> partition(String text, boolean parseSpecial) {
        List<Object> frags = new ArrayList<>();
        if (text.isEmpty()) {
            return frags;
        }
        frags.add(text);
        for (int id : specialIds) {
            TokenType t = vocab.type(id);
            if (!parseSpecial && t != TokenType.USER_DEFINED) {
                continue;
            }
            String st = vocab.token(id);
            for (int i = 0; i < frags.size(); i++) {
                if (!(frags.get(i) instanceof String raw) || raw.indexOf(st) < 0) {
                    continue;
                }
                List<Object> repl = new ArrayList<>();
                int from = 0;
                int at;
                while ((at = raw.indexOf(st, from)) >= 0) {
                    String left = raw.substring(from, at);
                    if (vocab.lstrip(id)) {
                        left = left.stripTrailing();
                    }
                    if (!left.isEmpty()) {
                        repl.add(left);
                    }
                    repl.add(id);
                    from = at + st.length();
                    if (vocab.rstrip(id)) {
                        while (from < raw.length() && Character.isWhitespace(raw.charAt(from))) {
                            from++;
                        }
                    }
                }
                if (from < raw.length()) {
                    repl.add(raw.substring(from));
                }
                frags.remove(i);
                frags.addAll(i, repl);
                i += repl.size() - 1;
            }
        }
        return frags;
    }

    @Override
    public final byte[] tokenBytes(int id, boolean special) {
        TokenType t = vocab.type(id);
        switch (t) {
            case CONTROL, UNKNOWN:
                return special ? vocab.token(id).getBytes(StandardCharsets.UTF_8) : new byte[0];
            case USER_DEFINED:
                return userDefinedBytes(id);
            case UNUSED:
                return new byte[0];
            default:
                return normalTokenBytes(id);
        }
    }

    @Override
    public String decode(int[] ids, boolean special) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean strip = stripsLeadingSpace();
        for (int id : ids) {
            byte[] b = tokenBytes(id, special);
            if (strip && b.length > 0) {
                // SentencePiece removes the dummy-prefix space from the first piece with text.
                strip = false;
                if (b[0] == ' ') {
                    out.write(b, 1, b.length - 1);
                    continue;
                }
            }
            out.writeBytes(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
