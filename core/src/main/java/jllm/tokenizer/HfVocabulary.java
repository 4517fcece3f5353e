package jllm.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufWriter;
import jllm.format.json.Json;

/**
 * The GGUF tokenizer keys of a Hugging Face folder's byte-level BPE {@code tokenizer.json}, exactly as
 * llama.cpp's converter writes them ({@code _set_vocab_gpt2} and gguf-py's {@code SpecialVocab}):
 * model "gpt2", the pre-tokenizer name ({@link PreTokenizerNames}), the token list padded to
 * config.json's {@code vocab_size} with {@code [PADn]}, token types, merges as "a b", the special ids
 * from tokenizer_config.json then config.json, add_bos/add_eos (tokenizer_config.json, else the
 * post-processor's template), the chat template (tokenizer_config.json, else chat_template.jinja) and
 * the normalizer's lowercase flag.
 *
 * <p>Read back with {@link Tokenizers#fromGguf}, the keys tokenize as the folder's tokenizer does
 * (llama.cpp applies no normalizer, so a folder whose normalizer changes text, such as Qwen's NFC,
 * agrees on text that is already normalized).
 *
 * <pre>{@code
 * GgufMetadata keys = HfVocabulary.read(Path.of("Qwen3-0.6B")).keys();
 * Tokenizer t = Tokenizers.fromGguf(keys);
 * }</pre>
 */
public final class HfVocabulary {
    /** gguf-py's special token types, in the order it looks them up. */
    private static final List<String> SPECIAL_TYPES = List.of("bos", "eos", "unk", "sep", "pad", "cls", "mask");

    private final Path dir;
    private final String file;
    private final Map<String, Object> tokenizer;
    private final Map<String, Object> tokenizerConfig;
    private final Map<String, Object> config;

    private HfVocabulary(Path dir, Map<String, Object> tokenizer, Map<String, Object> tokenizerConfig,
                         Map<String, Object> config) {
        this.dir = dir;
        this.file = dir.resolve("tokenizer.json").toString();
        this.tokenizer = tokenizer;
        this.tokenizerConfig = tokenizerConfig;
        this.config = config;
    }

    /** Reads tokenizer.json and, when present, tokenizer_config.json and config.json of a folder. */
    public static HfVocabulary read(Path dir) {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new ModelFormatException(dir.toString(), "tokenizer.json", "missing: jllm writes a GGUF vocabulary "
                    + "from the folder's tokenizer.json (a tokenizer.model alone is not read)", null);
        }
        return new HfVocabulary(dir, Json.readObject(json), readOptional(dir.resolve("tokenizer_config.json")),
                Optional.ofNullable(readOptional(dir.resolve("config.json"))).orElse(Map.of()));
    }

    /** A boolean of tokenizer_config.json (e.g. {@code add_prefix_space}), when it is one. */
    public Optional<Boolean> tokenizerConfigFlag(String key) {
        return tokenizerConfig != null && tokenizerConfig.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** The {@code tokenizer.*} keys, in the order llama.cpp's converter writes them. */
    public GgufMetadata keys() {
        return keys(vocabSize());
    }

    /**
     * The keys with the token list padded to {@code vocabSize} instead of config.json's size (Mamba's
     * converter first rounds it up to a multiple of {@code pad_vocab_size_multiple}).
     */
    public GgufMetadata keys(int vocabSize) {
        return keys(Optional.of(vocabSize));
    }

    private GgufMetadata keys(Optional<Integer> vocabSize) {
        Map<String, Object> model = object(tokenizer.get("model"), "model");
        checkByteLevel(model);
        Tokenizer hf = HuggingFaceLoader.load(tokenizer, tokenizerConfig == null ? Map.of() : tokenizerConfig, file);
        String pre = preName(model, hf);
        GgufWriter.Builder w = GgufWriter.builder();
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", pre);
        tokens(model, vocabSize, w);
        new Specials().write(model, w);
        sameBosPolicy(w, hf, GgufVocabLoader.BpePre.lookup(pre));
        return w.metadata();
    }

    /**
     * Where the converter writes no add_bos_token, readers take the pre-tokenizer's default (true for
     * the Llama 3 family); when that is not what the folder does, jllm writes the folder's policy.
     */
    private static void sameBosPolicy(GgufWriter.Builder w, Tokenizer hf, GgufVocabLoader.BpePre pre) {
        if (!w.metadata().has("tokenizer.ggml.add_bos_token") && pre.addBos() != hf.vocabulary().addBos()) {
            w.putBool("tokenizer.ggml.add_bos_token", hf.vocabulary().addBos());
        }
    }

    /** Refuses what the "gpt2" GGUF model cannot hold: other models and SentencePiece-style BPE. */
    private void checkByteLevel(Map<String, Object> model) {
        Object type = model.get("type");
        if (!"BPE".equals(type)) {
            throw error("model.type", "is " + type + ": jllm writes GGUF vocabularies of byte-level BPE tokenizers only");
        }
        if (Boolean.TRUE.equals(model.get("byte_fallback")) || !hasByteLevel(tokenizer.get("pre_tokenizer"))) {
            throw error("pre_tokenizer", "is not byte-level (a SentencePiece-style BPE): jllm writes GGUF vocabularies "
                    + "of byte-level BPE tokenizers only");
        }
    }

    private static boolean hasByteLevel(Object pre) {
        if (pre instanceof Map<?, ?> m) {
            return "ByteLevel".equals(m.get("type"))
                    || m.get("pretokenizers") instanceof List<?> l && l.stream().anyMatch(HfVocabulary::hasByteLevel);
        }
        return false;
    }

    /**
     * llama.cpp's name for the pre-tokenizer: by the hash of the check text's ids when its table knows
     * the tokenizer, else by the pre-tokenizer's structure. A hash name jllm cannot read, or one that
     * merges differently from the folder ({@code ignore_merges}: the hash cannot see it), gives way to
     * the structure's.
     */
    private String preName(Map<String, Object> model, Tokenizer hf) {
        String hash = PreTokenizerNames.hash(hf.encode(PreTokenizerNames.CHECK_TEXT, true, true));
        boolean ignoreMerges = Boolean.TRUE.equals(model.get("ignore_merges"));
        return PreTokenizerNames.byHash(hash)
                .filter(name -> GgufVocabLoader.BpePre.lookup(name) != null
                        && GgufVocabLoader.BpePre.lookup(name).ignoreMerges() == ignoreMerges)
                .or(() -> PreTokenizerNames.byStructure(tokenizer.get("pre_tokenizer"), model))
                .orElseThrow(() -> error("pre_tokenizer", "is not one llama.cpp knows (check-text hash " + hash
                        + " is not in its table and the split is none of gpt-2, llama-bpe, qwen2, gpt-4o, smollm)"));
    }

    /** {@code get_vocab_base}: tokens 0..vocab_size-1 with their types; ids without a token are [PADn]. */
    private void tokens(Map<String, Object> model, Optional<Integer> vocabSize, GgufWriter.Builder w) {
        Map<Integer, String> byId = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(model.get("vocab"), "model.vocab").entrySet()) {
            byId.put(id(e.getValue(), "model.vocab"), e.getKey());
        }
        Map<Integer, Map<String, Object>> added = new LinkedHashMap<>();
        for (Object a : addedTokens()) {
            Map<String, Object> t = object(a, "added_tokens");
            if (!(t.get("content") instanceof String content)) {
                throw error("added_tokens", "entry without a content: " + t);
            }
            int id = id(t.get("id"), "added_tokens");
            added.put(id, t);
            byId.put(id, content);
        }
        int maxId = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        // without config.json the converter takes the number of entries (and fails on gaps): jllm takes the largest id
        int size = vocabSize.orElse(Math.max(maxId + 1, (int) byId.values().stream().distinct().count()));
        if (maxId >= size) {
            throw new ModelFormatException(dir.resolve("config.json").toString(), "vocab_size", size
                    + " is smaller than the tokenizer's largest id " + maxId, null);
        }
        List<String> texts = new ArrayList<>(size);
        int[] types = new int[size];
        for (int i = 0; i < size; i++) {
            String text = byId.get(i);
            TokenType type = TokenType.NORMAL;
            if (text == null) {
                text = "[PAD" + i + "]";
                type = TokenType.UNUSED;
            } else if (added.containsKey(i)) {
                if (Boolean.TRUE.equals(added.get(i).get("special")) || looksSpecial(text)) {
                    type = TokenType.CONTROL;
                } else {
                    text = text.replace("\u2581", " "); // user-defined tokens are stored pre-normalized
                    type = TokenType.USER_DEFINED;
                }
            }
            texts.add(text);
            types[i] = type.ggufId();
        }
        w.putStringArray("tokenizer.ggml.tokens", texts);
        w.putInt32Array("tokenizer.ggml.token_type", types);
    }

    /** config.json's {@code vocab_size} (or its text_config's), which the token list is padded to. */
    private Optional<Integer> vocabSize() {
        Object v = config.get("vocab_size");
        if (!(v instanceof Long) && config.get("text_config") instanceof Map<?, ?> text) {
            v = text.get("vocab_size");
        }
        if (v instanceof Long n) {
            if (n <= 0 || n > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException(dir.resolve("config.json").toString(), "vocab_size", n + " is not a vocabulary size", null);
            }
            return Optional.of((int) (long) n);
        }
        return Optional.empty();
    }

    /** Added tokens the converter makes CONTROL although they are not marked special (llama.cpp's list). */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || t.startsWith("<|") && t.endsWith("|>") || t.startsWith("<｜") && t.endsWith("｜>")
                || t.startsWith("<unused") && t.endsWith(">");
    }

    private List<Object> addedTokens() {
        return tokenizer.get("added_tokens") instanceof List<?> l ? List.copyOf(l) : List.of();
    }

    /**
     * gguf-py's {@code SpecialVocab} with merges: what it reads from tokenizer.json, tokenizer_config.json
     * and config.json, and the keys it writes, in its order.
     */
    private final class Specials {
        private final List<String> types = new ArrayList<>(SPECIAL_TYPES);
        private final Map<String, Long> ids = new LinkedHashMap<>();
        private final Map<String, Boolean> add = new LinkedHashMap<>();
        /** tokenizer_config.json, which the post-processor's template amends (as gguf-py does). */
        private final Map<String, Object> tc = tokenizerConfig == null ? null : new LinkedHashMap<>(tokenizerConfig);

        void write(Map<String, Object> model, GgufWriter.Builder w) {
            List<String> merges = merges(model);
            Boolean[] normalizer = new Boolean[2]; // lowercase, strip_accents
            if (tokenizer.get("normalizer") instanceof Map<?, ?> n) {
                normalizer(n, normalizer);
            }
            postProcessor();
            Object template = tc == null || tc.isEmpty() ? null : fromTokenizerConfig();
            fromConfigJson();
            if (!merges.isEmpty()) {
                w.putStringArray("tokenizer.ggml.merges", merges);
            }
            ids.forEach((typ, id) -> {
                if (!typ.equals("cls")) { // the writer has no cls_token_id
                    w.putUInt32(idKey(typ), id);
                }
            });
            add.forEach((typ, value) -> {
                if (List.of("bos", "eos", "sep").contains(typ)) { // the writer has no add_<typ>_token for the others
                    w.putBool("tokenizer.ggml.add_" + typ + "_token", value);
                }
            });
            chatTemplate(template, w);
            if (normalizer[0] != null) {
                w.putBool("tokenizer.ggml.normalizer.lowercase", normalizer[0]);
            }
            if (normalizer[1] != null) {
                w.putBool("tokenizer.ggml.normalizer.strip_accents", normalizer[1]);
            }
        }

        /** model.merges as "a b" lines; a space inside a part of the [a, b] form becomes U+0120. */
        private List<String> merges(Map<String, Object> model) {
            if (!(model.get("merges") instanceof List<?> list) || list.isEmpty()) {
                return List.of();
            }
            List<String> out = new ArrayList<>(list.size());
            boolean pairs = list.get(0) instanceof List<?>;
            for (Object m : list) {
                if (!pairs && m instanceof String s) {
                    out.add(s);
                } else if (pairs && m instanceof List<?> p && p.size() == 2 && p.get(0) instanceof String a
                        && p.get(1) instanceof String b) {
                    out.add(a.replace(' ', '\u0120') + " " + b.replace(' ', '\u0120'));
                } else {
                    throw error("model.merges", "entry " + out.size() + " is neither \"a b\" nor [a, b]");
                }
            }
            return out;
        }

        /** The normalizer's lowercase and strip-accents flags (their own steps, a BertNormalizer's, a Sequence's). */
        private void normalizer(Map<?, ?> n, Boolean[] flags) {
            switch (String.valueOf(n.get("type"))) {
                case "Lowercase" -> flags[0] = true;
                case "StripAccents" -> flags[1] = true;
                case "BertNormalizer" -> {
                    if (n.containsKey("lowercase")) {
                        flags[0] = n.get("lowercase") instanceof Boolean b ? b : null;
                    }
                    if (n.containsKey("strip_accents")) {
                        flags[1] = n.get("strip_accents") instanceof Boolean b ? b : null;
                    }
                }
                case "Sequence" -> {
                    if (n.get("normalizers") instanceof List<?> l) {
                        l.stream().filter(x -> x instanceof Map<?, ?>).forEach(x -> normalizer((Map<?, ?>) x, flags));
                    }
                }
                default -> {
                }
            }
        }

        /** BOS/EOS/SEP policy (and missing special names) from a Roberta or template post-processor. */
        private void postProcessor() {
            if (!(tokenizer.get("post_processor") instanceof Map<?, ?> pp)) {
                return;
            }
            Object bos = get("bos_token");
            Object cls = get("cls_token");
            Object eos = get("eos_token");
            Object sep = get("sep_token");
            if (!truthy(bos) && truthy(cls) && truthy(tc)) {
                tc.put("bos_token", bos = cls);
            }
            if (!truthy(eos) && truthy(sep) && truthy(tc)) {
                tc.put("eos_token", eos = sep);
            }
            List<?> processors = pp.get("processors") instanceof List<?> l ? l : List.of(pp);
            for (Object o : processors) {
                if (!(o instanceof Map<?, ?> p)) {
                    continue;
                }
                if ("RobertaProcessing".equals(p.get("type"))) {
                    add.put("bos", true);
                    add.put("eos", true);
                    add.put("sep", true);
                    if (!truthy(cls) && truthy(tc)) {
                        cls = p.get("cls") instanceof List<?> c && !c.isEmpty() ? c.get(0) : bos;
                        tc.put("cls_token", cls);
                    }
                    if (!truthy(sep) && truthy(tc)) {
                        sep = p.get("sep") instanceof List<?> s && !s.isEmpty() ? s.get(0) : eos;
                        tc.put("sep_token", sep);
                    }
                } else if ("TemplateProcessing".equals(p.get("type"))) {
                    Object[] state = template(p, bos, cls, eos, sep);
                    bos = state[0];
                    cls = state[1];
                    eos = state[2];
                }
            }
        }

        /** gguf-py's crude reading of a TemplateProcessing; returns the (bos, cls, eos) it settled on. */
        private Object[] template(Map<?, ?> p, Object bos, Object cls, Object eos, Object sep) {
            List<?> single = p.get("single") instanceof List<?> l ? l : List.of();
            List<?> pair = p.get("pair") instanceof List<?> l ? l : List.of();
            String first = null;
            String last = null;
            if (single.size() > 1) {
                first = specialId(single.get(0));
                if (first != null) {
                    if (!truthy(tc)) {
                        bos = first;
                    } else if (!first.equals(bos) && !first.equals(cls)) {
                        if (!truthy(bos)) {
                            tc.put("bos_token", bos = first);
                        }
                        if (!truthy(cls)) {
                            tc.put("cls_token", cls = first);
                        }
                    }
                    add.put("bos", first.equals(bos) || first.equals(cls));
                }
                last = specialId(single.get(single.size() - 1));
                if (last != null) {
                    if (!truthy(tc)) {
                        eos = last;
                    } else if (!last.equals(eos)) {
                        if (!types.contains("eot")) {
                            types.add("eot");
                            tc.put("eot_token", eos);
                        } else if (!types.contains("eom")) {
                            types.add("eom");
                            tc.put("eom_token", eos);
                        }
                        tc.put("eos_token", eos = last);
                    }
                    add.put("eos", last.equals(eos));
                }
            }
            if (!pair.isEmpty()) {
                int start = first != null && first.equals(specialId(pair.get(0))) ? 1 : 0;
                int stop = last != null && last.equals(specialId(pair.get(pair.size() - 1))) ? pair.size() - 1 : pair.size();
                List<?> middle = start < stop ? pair.subList(start, stop) : List.of();
                if (!middle.isEmpty() && "A".equals(sequenceId(middle.get(0))) && "B".equals(sequenceId(middle.get(middle.size() - 1)))
                        && middle.size() > 2) {
                    List<?> seps = middle.subList(1, middle.size() - 1);
                    boolean addSep = false;
                    String entry = specialId(seps.get(0));
                    if (entry != null && (entry.equals(sep) || entry.equals(eos)) && last == null) {
                        addSep = true;
                    }
                    if (seps.size() == 2) {
                        String second = specialId(seps.get(1));
                        if (second != null && (second.equals(sep) || second.equals(eos))) {
                            addSep = true;
                        }
                    }
                    add.put("sep", addSep);
                    if (addSep && !truthy(sep) && truthy(tc)) {
                        tc.put("sep_token", eos);
                    }
                }
            }
            return new Object[] {bos, cls, eos};
        }

        /** add_*_token flags and special ids named in tokenizer_config.json; returns the chat template. */
        private Object fromTokenizerConfig() {
            Object template = tc.containsKey("chat_template") ? nullable(tc.get("chat_template")) : alternativeTemplate();
            for (String typ : types) {
                if (tc.get("add_" + typ + "_token") instanceof Boolean b) {
                    add.put(typ, b);
                }
                Object entry = tc.get(typ + "_token");
                String content = entry instanceof String s ? s
                        : entry instanceof Map<?, ?> m && m.get("content") instanceof String s ? s : null;
                if (content == null) {
                    continue;
                }
                for (Object a : addedTokens()) {
                    if (a instanceof Map<?, ?> t && content.equals(t.get("content"))) {
                        setId(typ, t.get("id"));
                        break;
                    }
                }
            }
            return template instanceof String || template instanceof List<?> ? template : null;
        }

        /** chat_template.jinja (with additional_chat_templates/*.jinja, a named list), else chat_template.json. */
        private Object alternativeTemplate() {
            Path jinja = dir.resolve("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                String main = readString(jinja);
                List<Path> extra = new ArrayList<>();
                Path more = dir.resolve("additional_chat_templates");
                if (Files.isDirectory(more)) {
                    try (var s = Files.list(more)) {
                        s.filter(p -> p.getFileName().toString().endsWith(".jinja")).sorted().forEach(extra::add);
                    } catch (IOException e) {
                        throw new ModelFormatException(more.toString(), null, "cannot list: " + e.getMessage(), e);
                    }
                }
                if (extra.isEmpty()) {
                    return main;
                }
                List<Object> named = new ArrayList<>();
                named.add(Map.of("name", "default", "template", main));
                for (Path p : extra) {
                    String name = p.getFileName().toString();
                    named.add(Map.of("name", name.substring(0, name.length() - ".jinja".length()), "template", readString(p)));
                }
                return named;
            }
            Map<String, Object> json = readOptional(dir.resolve("chat_template.json"));
            return json == null ? null : nullable(json.get("chat_template"));
        }

        /** Special ids config.json names ({@code bos_token_id} ..., or its text_config's); earlier sources win. */
        private void fromConfigJson() {
            for (String typ : types) {
                Object id = nullable(config.get(typ + "_token_id"));
                if (id == null && config.get("text_config") instanceof Map<?, ?> text) {
                    id = text.get(typ + "_token_id");
                }
                setId(typ, id);
            }
        }

        private void setId(String typ, Object id) {
            // gguf-py takes the first integer id per type (a negative one makes it fail: jllm skips it)
            if (id instanceof Long n && n >= 0 && n <= 0xFFFF_FFFFL) {
                ids.putIfAbsent(typ, n);
            }
        }

        private void chatTemplate(Object template, GgufWriter.Builder w) {
            if (template instanceof String s) {
                if (!s.isEmpty()) {
                    w.putString("tokenizer.chat_template", s);
                }
                return;
            }
            if (!(template instanceof List<?> list)) {
                return;
            }
            String main = null;
            List<String> names = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m) || !(m.get("template") instanceof String t)) {
                    continue;
                }
                String name = String.valueOf(m.get("name") instanceof String s ? s : "").replaceAll("[^A-Za-z0-9]", "_");
                if (name.equals("default")) {
                    main = t;
                } else if (!name.isEmpty()) {
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                    if (!t.isEmpty()) {
                        w.putString("tokenizer.chat_template." + name, t);
                    }
                }
            }
            if (!names.isEmpty()) {
                w.putStringArray("tokenizer.chat_templates", names);
            }
            if (main != null && !main.isEmpty()) {
                w.putString("tokenizer.chat_template", main);
            }
        }

        private Object get(String key) {
            return tc == null ? null : nullable(tc.get(key));
        }
    }

    private static String idKey(String typ) {
        return "tokenizer.ggml." + switch (typ) {
            case "unk" -> "unknown";
            case "sep" -> "seperator"; // sic, as GGUF spells it
            case "pad" -> "padding";
            default -> typ;
        } + "_token_id";
    }

    /** The id of a {@code {"SpecialToken": {"id": ...}}} template piece. */
    private static String specialId(Object piece) {
        return piece instanceof Map<?, ?> m && m.get("SpecialToken") instanceof Map<?, ?> st && st.get("id") instanceof String s ? s : null;
    }

    /** The id of a {@code {"Sequence": {"id": "A"}}} template piece. */
    private static String sequenceId(Object piece) {
        return piece instanceof Map<?, ?> m && m.get("Sequence") instanceof Map<?, ?> st && st.get("id") instanceof String s ? s : null;
    }

    /** Python's truth of a JSON value: null, false, "", empty lists and objects are false. */
    private static boolean truthy(Object o) {
        return o != null && o != Json.NULL && !Boolean.FALSE.equals(o) && !"".equals(o)
                && !(o instanceof List<?> l && l.isEmpty()) && !(o instanceof Map<?, ?> m && m.isEmpty());
    }

    private static Object nullable(Object o) {
        return o == Json.NULL ? null : o;
    }

    private int id(Object v, String field) {
        if (!(v instanceof Long id) || id < 0 || id >= Integer.MAX_VALUE - 8) {
            throw error(field, "token id " + v + " is not a non-negative integer");
        }
        return (int) (long) id;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Object o, String field) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw error(field, "expected a JSON object");
    }

    private ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, field, problem, null);
    }

    private static Map<String, Object> readOptional(Path p) {
        return Files.isRegularFile(p) ? Json.readObject(p) : null;
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new ModelFormatException(p.toString(), null, "cannot read: " + e.getMessage(), e);
        }
    }
}
