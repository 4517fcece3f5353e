package jllm.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import jllm.format.ModelFormatException;
import jllm.format.json.Json;

/**
 * Reads a Hugging Face {@code tokenizer.json} (BPE model) into a {@link BpeTokenizer}: the
 * normalizer, pre-tokenizer, model flags and added tokens come from the JSON; the BOS/EOS policy and
 * chat template from {@code tokenizer_config.json} when given (else from the post-processor template).
 */
final class HuggingFaceLoader {
    /** GPT-2's split regex as Hugging Face's ByteLevel pre-tokenizer spells it (note the final {@code \s+}). */
    static final String BYTE_LEVEL_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private final String file;

    private HuggingFaceLoader(String file) {
        this.file = file;
    }

    static Tokenizer load(Path tokenizerJson, Optional<Path> configJson) {
        HuggingFaceLoader l = new HuggingFaceLoader(tokenizerJson.toString());
        Map<String, Object> root = Json.readObject(tokenizerJson);
        Map<String, Object> config = configJson.filter(Files::exists).map(Json::readObject).orElse(Map.of());
        return l.build(root, config);
    }

    /** The tokenizer of an already parsed tokenizer.json ({@code file} names it in messages). */
    static Tokenizer load(Map<String, Object> root, Map<String, Object> config, String file) {
        return new HuggingFaceLoader(file).build(root, config);
    }

    private ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, field, problem, null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> obj(Object o, String field) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw error(field, "expected a JSON object");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, String field) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw error(field, "expected a JSON array");
    }

    private static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        return m.get(key) instanceof Boolean b ? b : dflt;
    }

    private static String str(Map<String, Object> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    /** A token named in tokenizer_config.json: a string or an AddedToken object with "content". */
    private static String tokenText(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return s;
        }
        return null;
    }

    private Tokenizer build(Map<String, Object> root, Map<String, Object> config) {
        Map<String, Object> model = obj(root.get("model"), "model");
        String type = str(model, "type");
        if (type != null && !type.equals("BPE")) {
            throw error("model.type", "'" + type + "' is not supported (only BPE models)");
        }
        Map<String, Object> vocabJson = obj(model.get("vocab"), "model.vocab");
        List<Object> added = root.get("added_tokens") instanceof List<?> ? list(root.get("added_tokens"), "added_tokens")
                : List.of();
        int size = 0;
        for (Object v : vocabJson.values()) {
            if (!(v instanceof Long id) || id < 0 || id >= Integer.MAX_VALUE) {
                throw error("model.vocab", "token id " + v + " is not a non-negative integer");
            }
            size = Math.max(size, (int) (long) id + 1);
        }
        for (Object a : added) {
            Map<String, Object> t = obj(a, "added_tokens");
            if (!(t.get("id") instanceof Long id) || id < 0 || id >= Integer.MAX_VALUE || str(t, "content") == null) {
                throw error("added_tokens", "entry without a valid id and content: " + t);
            }
            size = Math.max(size, (int) (long) id + 1);
        }
        String[] texts = new String[size];
        TokenType[] types = new TokenType[size];
        Arrays.fill(texts, "");
        Arrays.fill(types, TokenType.UNUSED);
        boolean byteFallback = bool(model, "byte_fallback", false);
        for (Map.Entry<String, Object> e : vocabJson.entrySet()) {
            int id = (int) (long) (Long) e.getValue();
            texts[id] = e.getKey();
            types[id] = byteFallback && e.getKey().matches("<0x[0-9A-F]{2}>") ? TokenType.BYTE : TokenType.NORMAL;
        }
        String unkText = str(model, "unk_token");
        for (Object a : added) {
            Map<String, Object> t = obj(a, "added_tokens");
            int id = (int) (long) (Long) t.get("id");
            texts[id] = str(t, "content");
            types[id] = bool(t, "special", false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        int unk = -1;
        if (unkText != null) {
            unk = Arrays.asList(texts).indexOf(unkText);
            if (unk >= 0) {
                types[unk] = TokenType.UNKNOWN;
            }
        }
        Specials sp = specials(root, config, texts);
        Vocabulary vocab = new Vocabulary(texts, null, types, new Vocabulary.Specials(sp.bos, sp.eos, unk,
                sp.pad, -1, sp.addBos, sp.addEos, chatTemplate(config)));
        for (Object a : added) {
            Map<String, Object> t = obj(a, "added_tokens");
            vocab.setStrip((int) (long) (Long) t.get("id"), bool(t, "lstrip", false), bool(t, "rstrip", false));
        }
        MergeTable merges = merges(model, vocab);

        UnaryOperator<String> normalizer = normalizer(root.get("normalizer"), "normalizer");
        PreSpec pre = new PreSpec();
        pre.steps.add(PreTokenizer.NONE);
        preTokenizer(root.get("pre_tokenizer"), "pre_tokenizer", pre, true);
        BpeTokenizer.Pipeline pipeline = new BpeTokenizer.Pipeline(
                normalizer == null ? null : (s, first) -> normalizer.apply(s),
                PreTokenizer.sequence(pre.steps),
                pre.prefix == null ? null : pre.prefix,
                pre.byteLevel);
        return new BpeTokenizer(vocab, merges, pipeline, byteFallback, bool(model, "fuse_unk", false),
                bool(model, "ignore_merges", false), stripsLeadingSpace(root.get("decoder")));
    }

    private record Specials(int bos, int eos, int pad, boolean addBos, boolean addEos) {
    }

    private Specials specials(Map<String, Object> root, Map<String, Object> config, String[] texts) {
        List<String> all = Arrays.asList(texts);
        // The post-processor template says which specials surround a single sequence.
        String templBos = null;
        String templEos = null;
        if (root.get("post_processor") instanceof Map<?, ?> pp && "TemplateProcessing".equals(pp.get("type"))
                && pp.get("single") instanceof List<?> single && !single.isEmpty()) {
            templBos = specialIn(single.get(0));
            templEos = single.size() > 1 ? specialIn(single.get(single.size() - 1)) : null;
        }
        String bosText = tokenText(config.get("bos_token"));
        String eosText = tokenText(config.get("eos_token"));
        String padText = tokenText(config.get("pad_token"));
        int bos = indexOf(all, bosText != null ? bosText : templBos, "bos_token");
        int eos = indexOf(all, eosText != null ? eosText : templEos, "eos_token");
        int pad = indexOf(all, padText, "pad_token");
        boolean addBos = config.get("add_bos_token") instanceof Boolean b ? b : templBos != null;
        boolean addEos = config.get("add_eos_token") instanceof Boolean b ? b : templEos != null;
        return new Specials(bos, eos, pad, addBos, addEos);
    }

    private int indexOf(List<String> all, String text, String field) {
        if (text == null) {
            return -1;
        }
        int i = all.indexOf(text);
        if (i < 0) {
            throw error(field, "'" + text + "' is not a token of the vocabulary");
        }
        return i;
    }

    private static String specialIn(Object piece) {
        if (piece instanceof Map<?, ?> m && m.get("SpecialToken") instanceof Map<?, ?> st && st.get("id") instanceof String s) {
            return s;
        }
        return null;
    }

    private static String chatTemplate(Map<String, Object> config) {
        Object t = config.get("chat_template");
        if (t instanceof String s) {
            return s;
        }
        if (t instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && "default".equals(m.get("name")) && m.get("template") instanceof String s) {
                    return s;
                }
            }
        }
        return null;
    }

    private MergeTable merges(Map<String, Object> model, Vocabulary vocab) {
        List<Object> merges = model.get("merges") == null ? List.of() : list(model.get("merges"), "model.merges");
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            Object m = merges.get(rank);
            String line;
            int sp;
            if (m instanceof String s) {
                line = s;
                sp = s.indexOf(' ', 1);
                if (sp < 0) {
                    throw error("model.merges", "entry " + rank + " has no space: '" + s + "'");
                }
            } else if (m instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String x
                    && pair.get(1) instanceof String y) {
                line = x + " " + y; // the parts may hold spaces themselves: sp says where they meet
                sp = x.length();
            } else {
                throw error("model.merges", "entry " + rank + " is neither \"a b\" nor [a, b]");
            }
            GgufVocabLoader.addMerge(table, vocab, line, sp, rank);
        }
        return table;
    }

    private UnaryOperator<String> normalizer(Object o, String field) {
        if (o == null || o == Json.NULL) {
            return null;
        }
        Map<String, Object> n = obj(o, field);
        String type = String.valueOf(n.get("type"));
        return switch (type) {
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Strip" -> {
                boolean left = bool(n, "strip_left", true);
                boolean right = bool(n, "strip_right", true);
                yield s -> right ? (left ? s.strip() : s.stripTrailing()) : (left ? s.stripLeading() : s);
            }
            case "Prepend" -> {
                String p = String.valueOf(n.get("prepend"));
                yield s -> s.isEmpty() ? s : p + s;
            }
            case "Replace" -> {
                Pattern p = pattern(n.get("pattern"), field + ".pattern");
                String content = String.valueOf(n.get("content"));
                String repl = java.util.regex.Matcher.quoteReplacement(content);
                yield s -> p.matcher(s).replaceAll(repl);
            }
            case "Sequence" -> {
                List<UnaryOperator<String>> steps = new ArrayList<>();
                for (Object x : list(n.get("normalizers"), field + ".normalizers")) {
                    UnaryOperator<String> st = normalizer(x, field + ".normalizers");
                    if (st != null) {
                        steps.add(st);
                    }
                }
                yield s -> {
                    for (UnaryOperator<String> st : steps) {
                        s = st.apply(s);
                    }
                    return s;
                };
            }
            default -> throw error(field, "normalizer type '" + type + "' is not supported");
        };
    }

    private Pattern pattern(Object o, String field) {
        Map<String, Object> p = obj(o, field);
        if (p.get("String") instanceof String s) {
            return Pattern.compile(Pattern.quote(s));
        }
        if (p.get("Regex") instanceof String r) {
            return Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS);
        }
        throw error(field, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /** What the pre-tokenizer section amounts to. */
    private static final class PreSpec {
        final List<PreTokenizer> steps = new ArrayList<>();
        java.util.function.BiFunction<String, Boolean, String> prefix;
        boolean byteLevel;
    }

    private void preTokenizer(Object o, String field, PreSpec spec, boolean topLevel) {
        if (o == null || o == Json.NULL) {
            return;
        }
        Map<String, Object> p = obj(o, field);
        String type = String.valueOf(p.get("type"));
        switch (type) {
            case "Sequence" -> {
                for (Object x : list(p.get("pretokenizers"), field + ".pretokenizers")) {
                    preTokenizer(x, field + ".pretokenizers", spec, false);
                }
            }
            case "ByteLevel" -> {
                spec.byteLevel = true;
                if (bool(p, "add_prefix_space", false)) {
                    spec.prefix = (s, first) -> s.startsWith(" ") ? s : " " + s;
                }
                if (bool(p, "use_regex", true)) {
                    spec.steps.add(PreTokenizer.regex(BYTE_LEVEL_REGEX, PreTokenizer.Behavior.ISOLATED, false));
                }
            }
            case "Split" -> {
                Map<String, Object> pat = obj(p.get("pattern"), field + ".pattern");
                String regex = pat.get("String") instanceof String s ? Pattern.quote(s)
                        : pat.get("Regex") instanceof String r ? r : null;
                if (regex == null) {
                    throw error(field + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
                }
                spec.steps.add(PreTokenizer.regex(regex, behavior(String.valueOf(p.get("behavior")), field),
                        bool(p, "invert", false)));
            }
            case "Digits" -> spec.steps.add(PreTokenizer.regex(bool(p, "individual_digits", false) ? "\\p{N}" : "\\p{N}+",
                    PreTokenizer.Behavior.ISOLATED, false));
            case "Punctuation" -> spec.steps.add(PreTokenizer.regex("\\p{P}",
                    p.get("behavior") instanceof String b ? behavior(b, field) : PreTokenizer.Behavior.ISOLATED, false));
            case "Whitespace" -> spec.steps.add(PreTokenizer.regex("\\w+|[^\\w\\s]+", PreTokenizer.Behavior.REMOVED, true));
            case "WhitespaceSplit" -> spec.steps.add(PreTokenizer.regex("\\s+", PreTokenizer.Behavior.REMOVED, false));
            case "Metaspace" -> {
                String repl = p.get("replacement") instanceof String r ? r : "\u2581";
                String scheme = p.get("prepend_scheme") instanceof String s ? s
                        : bool(p, "add_prefix_space", true) ? "always" : "never";
                spec.prefix = (s, first) -> {
                    String r = s.replace(" ", repl);
                    boolean add = scheme.equals("always") || (scheme.equals("first") && first);
                    return add && !r.startsWith(repl) ? repl + r : r;
                };
                if (bool(p, "split", true)) {
                    spec.steps.add(PreTokenizer.regex(Pattern.quote(repl), PreTokenizer.Behavior.MERGED_WITH_NEXT, false));
                }
            }
            default -> throw error(field, "pre-tokenizer type '" + type + "' is not supported");
        }
    }

    private PreTokenizer.Behavior behavior(String b, String field) {
        return switch (b) {
            case "Isolated" -> PreTokenizer.Behavior.ISOLATED;
            case "Removed" -> PreTokenizer.Behavior.REMOVED;
            case "MergedWithPrevious" -> PreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> PreTokenizer.Behavior.MERGED_WITH_NEXT;
            case "Contiguous" -> PreTokenizer.Behavior.CONTIGUOUS;
            default -> throw error(field + ".behavior", "unknown split behavior '" + b + "'");
        };
    }

    /** Whether the decoder removes the dummy-prefix space (a Strip of one leading space, or Metaspace with prefix). */
    private static boolean stripsLeadingSpace(Object decoder) {
        if (!(decoder instanceof Map<?, ?> d)) {
            return false;
        }
        Object type = d.get("type");
        if ("Strip".equals(type)) {
            return " ".equals(d.get("content")) && d.get("start") instanceof Long s && s >= 1;
        }
        if ("Metaspace".equals(type)) {
            Object scheme = d.get("prepend_scheme");
            return scheme == null ? !Boolean.FALSE.equals(d.get("add_prefix_space")) : !"never".equals(scheme);
        }
        if ("Sequence".equals(type) && d.get("decoders") instanceof List<?> l) {
            return l.stream().anyMatch(HuggingFaceLoader::stripsLeadingSpace);
        }
        return false;
    }
}
