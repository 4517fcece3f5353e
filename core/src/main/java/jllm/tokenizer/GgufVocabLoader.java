package jllm.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;

/** Reads the {@code tokenizer.*} keys of a GGUF file into a tokenizer, with llama.cpp's defaults. */
final class GgufVocabLoader {
    private GgufVocabLoader() {
    }

    static Tokenizer load(GgufMetadata m, TokenizerCache cache) {
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
        int[] cached = cache.readMerges(m, n, merges.size()).orElse(null);
        if (cached != null) {
            for (int i = 0; i < cached.length; i += 4) {
                table.put(cached[i], cached[i + 1], cached[i + 2], cached[i + 3]);
            }
        } else {
            int[] record = new int[4 * merges.size()]; // left, right, rank, result per merge that was put
            int length = 0;
            for (int rank = 0; rank < merges.size(); rank++) {
                String line = merges.get(rank);
                int sp = line.indexOf(' ', 1);
                if (sp < 0) {
                    throw m.error("tokenizer.ggml.merges", "entry " + rank + " has no space: '" + line + "'");
                }
                int l = vocab.idOrMinus1(line, 0, sp);
                int r = vocab.idOrMinus1(line, sp + 1, line.length());
                int res = vocab.idOrMinus1(line, 0, sp, sp + 1, line.length());
                // A merge whose parts or result are not tokens can never produce a token: skip it.
                if (l >= 0 && r >= 0 && res >= 0) {
                    table.put(l, r, rank, res);
                    record[length++] = l;
                    record[length++] = r;
                    record[length++] = rank;
                    record[length++] = res;
                }
            }
            cache.writeMerges(m, n, merges.size(), record, length);
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

    /**
     * Byte-level BPE pre-tokenizer families by {@code tokenizer.ggml.pre}, with llama.cpp's regex lists
     * ({@code llm_tokenizer_bpe} in llama-vocab.cpp). Characters outside ASCII are written as
     * {@code \x{...}} escapes, which no editor or tool normalizes: six letters of DeepSeek's class (U+1F7D,
     * U+1FBE, U+1FD3, U+1FDB, U+2126, U+212A) have canonical equivalents, and Unicode normalization (NFC)
     * of the literal characters turns the range U+1F5F-U+1F7D into U+1F5F-U+03CE, which runs backwards and
     * does not compile.
     */
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
        /** DeepSeek LLM's cased letters: Latin, Greek, Cyrillic, Armenian, Georgian, ..., Deseret, Osage, Adlam. */
        static final String DEEPSEEK_LETTERS = "[A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}"
                + "\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}\\x{386}"
                + "\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}\\x{48A}-\\x{52F}\\x{531}-\\x{556}"
                + "\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}"
                + "\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}"
                + "\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}"
                + "\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}"
                + "\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}"
                + "\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}"
                + "\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}"
                + "\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}"
                + "\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}"
                + "\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}"
                + "\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}"
                + "\\x{1E900}-\\x{1E943}]+";
        /** CJK unified ideographs U+4E00-U+9FA5, U+0800-U+4E00 (sic, as DeepSeek wrote it), Hangul syllables. */
        static final String DEEPSEEK_CJK = "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
        /** An optional space, then characters other than white space, ( | ) . , ! ? and six non-ASCII stops (as BLOOM wrote it). */
        static final String BLOOM = " ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{964}\\x{6D4}\\x{60C})]+";

        /** Every {@code tokenizer.ggml.pre} value jllm reads, with its family. */
        static final Map<String, BpePre> BY_NAME = byName();

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
            return BY_NAME.get(pre);
        }

        private static Map<String, BpePre> byName() {
            Map<String, BpePre> m = new LinkedHashMap<>();
            family(m, new BpePre(List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"), false, false),
                    "default", "");
            family(m, new BpePre(List.of(LLAMA3), true, true), "llama3", "llama-v3", "llama-bpe", "falcon3");
            family(m, new BpePre(List.of(LLAMA3), false, false), "dbrx", "smaug-bpe", "chatglm-bpe");
            // "\s+$" in llama.cpp: ECMAScript's $ is the end of the input, Java's is \z
            family(m, new BpePre(List.of("[\\r\\n]", "\\s?" + DEEPSEEK_LETTERS,
                    "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+", "\\s+\\z",
                    DEEPSEEK_CJK, "\\p{N}+"), false, false), "deepseek-llm");
            family(m, new BpePre(List.of("[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", DEEPSEEK_CJK, "\\p{N}"), false, false),
                    "deepseek-coder");
            family(m, new BpePre(List.of("\\p{N}{1,3}", "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+",
                    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                            + "| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"), false, false), "deepseek-v3");
            family(m, new BpePre(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), false, false), "falcon");
            family(m, new BpePre(List.of("\\p{N}", GPT2), false, false),
                    "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b");
            family(m, new BpePre(List.of(GPT2), false, false), "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat",
                    "jina-v1-en", "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais", "trillion");
            family(m, new BpePre(List.of(QWEN2), false, false), "qwen2", "deepseek-r1-qwen", "megrez", "stablelm2", "hunyuan");
            family(m, new BpePre(List.of(BLOOM), false, false), "poro-chat", "bloom", "gpt3-finnish");
            family(m, new BpePre(List.of(BLOOM, "\\p{N}"), false, false), "viking");
            family(m, new BpePre(List.of(TEKKEN), true, true), "tekken");
            family(m, new BpePre(List.of(GPT4O), false, false), "gpt-4o");
            return Collections.unmodifiableMap(m);
        }

        private static void family(Map<String, BpePre> m, BpePre p, String... names) {
            for (String name : names) {
                m.put(name, p);
            }
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
