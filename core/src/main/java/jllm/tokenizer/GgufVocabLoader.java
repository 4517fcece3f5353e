package jllm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;

/** Reads the {@code tokenizer.*} keys of a GGUF file into a tokenizer, with llama.cpp's defaults. */
final class GgufVocabLoader {
    private GgufVocabLoader() {
    }

    static Tokenizer load(GgufMetadata m) {
        String model = m.string("tokenizer.ggml.model")
                .orElseThrow(() -> m.error("tokenizer.ggml.model", "missing: the file has no tokenizer"));
        List<String> tokens = m.stringArray("tokenizer.ggml.tokens")
                .orElseThrow(() -> m.error("tokenizer.ggml.tokens", "missing"));
        int n = tokens.size();
        if (n == 0) {
            throw m.error("tokenizer.ggml.tokens", "is empty");
        }
        float[] scores = m.floatArray("tokenizer.ggml.scores").orElse(null);
        if (scores != null && scores.length != n) {
            throw m.error("tokenizer.ggml.scores", "has " + scores.length + " entries but there are " + n + " tokens");
        }
        TokenType[] types = new TokenType[n];
        long[] rawTypes = m.integerArray("tokenizer.ggml.token_type").orElse(null);
        if (rawTypes != null && rawTypes.length != n) {
            throw m.error("tokenizer.ggml.token_type",
                    "has " + rawTypes.length + " entries but there are " + n + " tokens");
        }
        for (int i = 0; i < n; i++) {
            types[i] = rawTypes == null ? TokenType.NORMAL : TokenType.fromGguf(rawTypes[i]);
        }
        String[] texts = tokens.toArray(new String[0]);
        String pre = m.string("tokenizer.ggml.pre").orElse("default");
        boolean spm = switch (model) {
            case "llama" -> true;
            case "gpt2" -> false;
            default -> throw m.error("tokenizer.ggml.model", "'" + model
                    + "' is not supported (supported: llama = SentencePiece BPE, gpt2 = byte-level BPE)");
        };
        BpePre bpePre = spm ? null : BpePre.of(pre, m);
        // llama.cpp's defaults per model type, then the file's keys.
        int bos = id(m, "tokenizer.ggml.bos_token_id", n, spm ? 1 : 11);
        int eos = id(m, "tokenizer.ggml.eos_token_id", n, spm ? 2 : 11);
        int unk = id(m, "tokenizer.ggml.unknown_token_id", n, spm ? 0 : -1);
        int pad = id(m, "tokenizer.ggml.padding_token_id", n, -1);
        int eot = id(m, "tokenizer.ggml.eot_token_id", n, -1);
        for (String key : List.of("tokenizer.ggml.seperator_token_id", "tokenizer.ggml.cls_token_id",
                "tokenizer.ggml.mask_token_id", "tokenizer.ggml.eom_token_id", "tokenizer.ggml.fim_pre_token_id",
                "tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.fim_pad_token_id",
                "tokenizer.ggml.fim_rep_token_id", "tokenizer.ggml.fim_sep_token_id")) {
            id(m, key, n, -1);
        }
        boolean addBos = m.bool("tokenizer.ggml.add_bos_token").orElse(spm || bpePre.addBos);
        boolean addEos = m.bool("tokenizer.ggml.add_eos_token").orElse(false);
        Vocabulary vocab = new Vocabulary(texts, scores, types, new Vocabulary.Specials(bos, eos, unk, pad, eot,
                addBos, addEos, m.string("tokenizer.chat_template").orElse(null)));
        applyStripAttributes(vocab, m.string("general.name").orElse(""));
        if (spm) {
            return new SpmTokenizer(vocab, m.bool("tokenizer.ggml.add_space_prefix").orElse(true),
                    m.bool("tokenizer.ggml.remove_extra_whitespaces").orElse(false));
        }
        List<String> merges = m.stringArray("tokenizer.ggml.merges")
                .orElseThrow(() -> m.error("tokenizer.ggml.merges", "missing (required for model gpt2)"));
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String line = merges.get(rank);
            int sp = line.indexOf(' ', 1);
            if (sp < 0) {
                throw m.error("tokenizer.ggml.merges", "entry " + rank + " has no space: '" + line + "'");
            }
            addMerge(table, vocab, line, sp, rank);
        }
        BpeTokenizer.Pipeline pipeline = new BpeTokenizer.Pipeline(null, bpePre.preTokenizer(), null, true);
        return new BpeTokenizer(vocab, table, pipeline, false, false, bpePre.ignoreMerges, false);
    }

    /** Adds the merge {@code line} = "a b" with its space at {@code sp}. */
    static void addMerge(MergeTable table, Vocabulary vocab, String line, int sp, int rank) {
        int l = vocab.idOrMinus1(line, 0, sp);
        int r = vocab.idOrMinus1(line, sp + 1, line.length());
        int res = vocab.idOrMinus1(line, 0, sp, sp + 1, line.length());
        // A merge whose parts or result are not tokens can never produce a token: skip it.
        if (l >= 0 && r >= 0 && res >= 0) {
            table.put(l, r, rank, res);
        }
    }

    /** A special-token id key: absent or -1/0xFFFFFFFF means {@code dflt}; out of range is an error. */
    private static int id(GgufMetadata m, String key, int n, int dflt) {
        var v = m.integer(key);
        if (v.isEmpty()) {
            return dflt < n ? dflt : -1;
        }
        long x = v.getAsLong();
        if (x == -1L || x == 0xFFFFFFFFL) {
            return -1;
        }
        if (x < 0 || x >= n) {
            throw m.error(key, "token id " + x + " is outside the vocabulary [0, " + n + ")");
        }
        return (int) x;
    }

    /** llama.cpp's per-model attributes: Phi-3's special tokens swallow the whitespace after them. */
    private static void applyStripAttributes(Vocabulary v, String modelName) {
        String name = modelName.toLowerCase(Locale.ROOT);
        if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id = 0; id < v.size(); id++) {
                TokenType t = v.type(id);
                if (t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN) {
                    v.setStrip(id, false, true);
                }
            }
            v.id("</s>").ifPresent(id -> v.setStrip(id, false, true));
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) {
                v.id(t).ifPresent(id -> v.setStrip(id, false, false));
            }
        }
    }

    /** Byte-level BPE pre-tokenizer families by {@code tokenizer.ggml.pre}, with llama.cpp's regex lists. */
    record BpePre(List<String> regexes, boolean ignoreMerges, boolean addBos) {
        static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
        static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
                + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
                + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}"
                + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
                + "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?"
                + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
                + "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?"
                + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        static final String DEEPSEEK_LETTERS = "[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+";

        /** The family for a {@code tokenizer.ggml.pre} value; unknown values are an error, as in llama.cpp. */
        static BpePre of(String pre, GgufMetadata m) {
            BpePre p = lookup(pre);
            if (p == null) {
                throw m.error("tokenizer.ggml.pre", "unknown pre-tokenizer '" + pre + "'");
            }
            return p;
        }

        /** The family of a {@code tokenizer.ggml.pre} value, or null when jllm does not know it. */
        static BpePre lookup(String pre) {
            return switch (pre) {
                case "default", "" -> new BpePre(List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+",
                        "[0-9][0-9][0-9]"), false, false);
                case "llama3", "llama-v3", "llama-bpe", "falcon3" -> new BpePre(List.of(LLAMA3), true, true);
                case "dbrx", "smaug-bpe", "chatglm-bpe" -> new BpePre(List.of(LLAMA3), false, false);
                case "deepseek-llm" -> new BpePre(List.of("[\\r\\n]", "\\s?" + DEEPSEEK_LETTERS,
                        "\\s?[!-/:-~！-／：-～‘-‟　-。]+", "\\s+\\z", "[一-龥ࠀ-一가-퟿]+", "\\p{N}+"), false, false);
                case "deepseek-coder" -> new BpePre(List.of("[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+",
                        "[一-龥ࠀ-一가-퟿]+", "\\p{N}"), false, false);
                case "deepseek-v3" -> new BpePre(List.of("\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
                        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                                + "| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"), false, false);
                case "falcon" -> new BpePre(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), false, false);
                case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b" ->
                        new BpePre(List.of("\\p{N}", GPT2), false, false);
                case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es", "jina-v2-de",
                        "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais", "trillion" ->
                        new BpePre(List.of(GPT2), false, false);
                case "qwen2", "deepseek-r1-qwen", "megrez", "stablelm2", "hunyuan" ->
                        new BpePre(List.of(QWEN2), false, false);
                case "poro-chat", "bloom", "gpt3-finnish" ->
                        new BpePre(List.of(" ?[^(\\s|.,!?…。，、।۔،)]+"), false, false);
                case "viking" -> new BpePre(List.of(" ?[^(\\s|.,!?…。，、।۔،)]+", "\\p{N}"), false, false);
                case "tekken" -> new BpePre(List.of(TEKKEN), true, true);
                case "gpt-4o" -> new BpePre(List.of(GPT4O), false, false);
                default -> null;
            };
        }

        PreTokenizer preTokenizer() {
            List<PreTokenizer> steps = new ArrayList<>();
            for (String r : regexes) {
                steps.add(PreTokenizer.regex(r, PreTokenizer.Behavior.ISOLATED, false));
            }
            return PreTokenizer.sequence(steps);
        }
    }
}
