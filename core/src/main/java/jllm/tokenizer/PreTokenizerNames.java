package jllm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The {@code tokenizer.ggml.pre} name of a byte-level BPE {@code tokenizer.json}: the name by which
 * llama.cpp (and {@link GgufVocabLoader}) picks its pre-tokenizer regexes.
 *
 * <p>llama.cpp's converter ({@code get_vocab_base_pre}) encodes a fixed check text with the folder's
 * tokenizer and looks the SHA-256 of the token list up in a table of known models. {@link #byHash}
 * does the same with jllm's Hugging Face tokenizer and the table's entries whose names jllm reads.
 * A tokenizer the table does not know (llama.cpp's converter refuses those) is named by its
 * pre-tokenizer's structure ({@link #byStructure}): the regex families llama.cpp implements, spelled
 * as Hugging Face writes them.
 */
final class PreTokenizerNames {
    private PreTokenizerNames() {
    }

    /** llama.cpp's check text ({@code chktxt} of convert_hf_to_gguf.py). */
    static final String CHECK_TEXT = "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple "
            + "emojis concatenated) ✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 "
            + "កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български ''''''```````\"\"\"\"......!!!!!!?????? "
            + "I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, 'D you like some tea? We'Ve a'lL";

    /**
     * convert_hf_to_gguf.py's hash table (llama.cpp 34af94cd9), the entries whose names jllm's GGUF
     * loader reads, in the table's order: a later entry for the same hash wins, as in the converter.
     */
    private static final Map<String, String> BY_HASH = new LinkedHashMap<>();

    static {
        String[][] table = {
            {"b6e8e1518dc4305be2fe39c313ed643381c4da5db34a98f6a04c093f8afbe99b", "chatglm-bpe"},
            {"81d72c7348a9f0ebe86f23298d37debe0a5e71149e29bd283904c02262b27516", "chatglm-bpe"},
            {"1431a23e583c97432bc230bff598d103ddb5a1f89960c8f1d1051aaa944d0b35", "minerva-7b"},
            {"7e57df22b1fe23a7b1e1c7f3dc4e3f96d43a4eb0836d0c6bdc3436d7b2f1c664", "hunyuan"},
            {"d4540891389ea895b53b399da6ac824becc30f2fba0e9ddbb98f92e55ca0e97c", "qwen2"},
            {"b3d1dd861f1d4c5c0d2569ce36baf3f90fe8a102db3de50dd71ff860d91be3df", "jina-v2-de"},
            {"0fe1cf6eda062318a1af7270f3331a85c539a01778ff948e24388e949c5282f4", "gpt-2"},
            {"0ef9807a4087ebef797fc749390439009c3b9eda9ad1a097abbe738f486c01e5", "llama-bpe"},
            {"049ecf7629871e3041641907f3de7c733e4dbfdc736f57d882ba0b0845599754", "deepseek-llm"},
            {"347715f544604f9118bb75ed199f68779f423cabb20db6de6f31b908d04d7821", "deepseek-coder"},
            {"8aeee3860c56296a157a1fe2fad249ec40aa59b1bb5709f4ade11c4e6fe652ed", "falcon"},
            {"9d032fcbd5501f4a38150912590928bfb36091efb5df11b8e2124b0390e3fb1e", "falcon3"},
            {"b6dc8df998e1cfbdc4eac8243701a65afe638679230920b50d6f17d81c098166", "mpt"},
            {"35d91631860c815f952d711435f48d356ebac988362536bed955d43bfa436e34", "starcoder"},
            {"3ce83efda5659b07b1ad37ca97ca5797ea4285d9b9ab0dc679e4a720c9da7454", "gpt-2"},
            {"32d85c31273f8019248f2559fed492d929ea28b17e51d81d3bb36fff23ca72b3", "stablelm2"},
            {"6221ad2852e85ce96f791f476e0b390cf9b474c9e3d1362f53a24a06dc8220ff", "refact"},
            {"9c2227e4dd922002fb81bde4fc02b0483ca4f12911410dee2255e4987644e3f8", "command-r"},
            {"e636dc30a262dcc0d8c323492e32ae2b70728f4df7dfe9737d9f920a282b8aea", "qwen2"},
            {"b6dc8df998e1cfbdc4eac8243701a65afe638679230920b50d6f17d81c098166", "olmo"},
            {"a8594e3edff7c29c003940395316294b2c623e09894deebbc65f33f1515df79e", "dbrx"},
            {"c7699093ba4255a91e702aa38a596aa81669f3525dae06c2953267dde580f448", "jina-v1-en"},
            {"171aeeedd6fb548d418a7461d053f11b6f1f1fc9b387bd66640d28a4b9f5c643", "jina-v2-es"},
            {"27949a2493fc4a9f53f5b9b029c82689cfbe5d3a1929bb25e043089e28466de6", "jina-v2-de"},
            {"c136ed14d01c2745d4f60a9596ae66800e2b61fa45643e72436041855ad4089d", "smaug-bpe"},
            {"c7ea5862a53e4272c035c8238367063e2b270d51faa48c0f09e9d5b54746c360", "poro-chat"},
            {"7967bfa498ade6b757b064f31e964dddbb80f8f9a4d68d4ba7998fcf281c531a", "jina-v2-code"},
            {"7fc505bd3104ca1083b150b17d088b59534ede9bde81f0dd2090967d7fe52cee", "viking"},
            {"b53802fb28e26d645c3a310b34bfe07da813026ec7c7716883404d5e0f8b1901", "jais"},
            {"7b3e7548e4308f52a76e8229e4e6cc831195d0d1df43aed21ac6c93da05fec5f", "codeshell"},
            {"63b97e4253352e6f357cc59ea5b583e3a680eaeaf2632188c2b952de2588485e", "tekken"},
            {"855059429035d75a914d1eda9f10a876752e281a054a7a3d421ef0533e5b6249", "smollm"},
            {"3c30d3ad1d6b64202cd222813e7736c2db6e1bd6d67197090fc1211fbc612ae7", "bloom"},
            {"bc01ce58980e1db43859146dc51b1758b3b88729b217a74792e9f8d43e479d21", "gpt3-finnish"},
            {"4e2b24cc4770243d65a2c9ec19770a72f08cffc161adbb73fcbb6b7dd45a0aae", "exaone"},
            {"fcace8b9cac38ce847670c970cd5892031a753a1ef381abd1d9af00f713da085", "phi-2"},
            {"8b5a93ed704057481f240da0be7e7dca721d7f8f4755263b6807227a2cbeae65", "roberta-bpe"},
            {"ad851be1dba641f2e3711822f816db2c265f788b37c63b4e1aeacb9ee92de8eb", "gigachat"},
            {"d4c8f286ea6b520b3d495c4455483cfa2302c0cfcd4be05d781b6a8a0a7cdaf1", "megrez"},
            {"877081d19cf6996e2c4ff0e1236341e9b7bde288f5311a56a937f0afbbb3aeb5", "deepseek-v3"},
            {"b3f499bb4255f8ca19fccd664443283318f2fd2414d5e0b040fbdd0cc195d6c5", "deepseek-r1-qwen"},
            {"ccc2ef013c104be7bae2965776d611e1d7a8a2a9c547dd93a682c9a9fc80352e", "gpt-4o"},
            {"1994ffd01900cfb37395608534236ecd63f2bd5995d6cb1004dda1af50240f15", "trillion"},
        };
        for (String[] e : table) {
            BY_HASH.put(e[0], e[1]);
        }
    }

    /** Split regexes as Hugging Face's tokenizer.json spells them, by the llama.cpp name of their family. */
    private static final Map<String, String> SPLIT_REGEXES = Map.of(
            // Llama 3 / cl100k; qwen2 differs only in splitting digits one by one
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "llama3",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "qwen2",
            // o200k (GPT-4o)
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
                    + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
                    + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "gpt-4o");

    /** The SHA-256 of Python's {@code str(ids)}: {@code "[1, 2, 3]"}. */
    static String hash(int[] ids) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int id : ids) {
            j.add(Integer.toString(id));
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(j.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The name llama.cpp's converter gives the tokenizer whose check-text ids hash to {@code hash}. */
    static Optional<String> byHash(String hash) {
        return Optional.ofNullable(BY_HASH.get(hash));
    }

    /**
     * The name of a pre-tokenizer family from tokenizer.json's {@code pre_tokenizer} and {@code model}
     * sections, when it is one llama.cpp implements: GPT-2's ByteLevel regex alone ("gpt-2"), digits one
     * by one then ByteLevel ("smollm"), or a Split regex of the Llama 3 ("llama-bpe", or "dbrx" without
     * {@code ignore_merges}), Qwen2 ("qwen2") or GPT-4o ("gpt-4o") family followed by a ByteLevel without
     * regex.
     */
    static Optional<String> byStructure(Object preTokenizer, Map<String, Object> model) {
        if (!(preTokenizer instanceof Map<?, ?> pre)) {
            return Optional.empty();
        }
        List<?> steps = "Sequence".equals(pre.get("type")) && pre.get("pretokenizers") instanceof List<?> l ? l : List.of(pre);
        if (steps.size() == 1 && byteLevel(steps.get(0), true)) {
            return Optional.of("gpt-2");
        }
        if (steps.size() != 2) {
            return Optional.empty();
        }
        if (steps.get(0) instanceof Map<?, ?> digits && "Digits".equals(digits.get("type"))
                && Boolean.TRUE.equals(digits.get("individual_digits")) && byteLevel(steps.get(1), true)) {
            return Optional.of("smollm");
        }
        if (!(steps.get(0) instanceof Map<?, ?> split) || !"Split".equals(split.get("type")) || !byteLevel(steps.get(1), false)
                || !(split.get("pattern") instanceof Map<?, ?> pattern) || !(pattern.get("Regex") instanceof String regex)) {
            return Optional.empty();
        }
        // the regex matches every character, so keeping matches (Isolated) or dropping what lies between (Removed, inverted) is the same split
        boolean keepsMatches = "Isolated".equals(split.get("behavior")) && !Boolean.TRUE.equals(split.get("invert"))
                || "Removed".equals(split.get("behavior")) && Boolean.TRUE.equals(split.get("invert"));
        String family = SPLIT_REGEXES.get(regex);
        if (!keepsMatches || family == null) {
            return Optional.empty();
        }
        if (family.equals("llama3")) {
            return Optional.of(Boolean.TRUE.equals(model.get("ignore_merges")) ? "llama-bpe" : "dbrx");
        }
        return Optional.of(family);
    }

    /** A ByteLevel step without prefix space, with or without GPT-2's own split regex. */
    private static boolean byteLevel(Object step, boolean withRegex) {
        return step instanceof Map<?, ?> m && "ByteLevel".equals(m.get("type"))
                && !Boolean.TRUE.equals(m.get("add_prefix_space"))
                && !Boolean.FALSE.equals(m.get("use_regex")) == withRegex;
    }
}
