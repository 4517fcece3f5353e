package jllm.hub;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which files of a repository a name means: one GGUF ({@code :QUANT} or {@code /FILE}), or a safetensors
 * folder (config, tokenizer files, weights and their index). The same rule picks files to download from the
 * hub's listing and finds them again in the cache, offline.
 *
 * @param files  the repository paths to fetch
 * @param single the one file the model is, or empty for a folder (the snapshot folder is the model)
 */
record Selection(List<String> files, Optional<String> single) {
    /** The files beside the weights that loading a safetensors folder reads. */
    private static final Set<String> FOLDER_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json", "vocab.json", "merges.txt",
            "chat_template.jinja", "chat_template.json");

    /** The selection {@code name} makes among {@code repoFiles} (paths in the repository). */
    static Selection of(HfName name, List<String> repoFiles) {
        if (name.file().isPresent()) {
            String f = name.file().get();
            if (!repoFiles.contains(f)) {
                throw new HubException(name + ": no file " + f + " in " + name.repo() + available(name, repoFiles));
            }
            return new Selection(List.of(f), Optional.of(f));
        }
        List<String> ggufs = repoFiles.stream().filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".gguf")).sorted().toList();
        if (name.quant().isPresent()) {
            List<String> hits = ggufs.stream().filter(name::quantMatches).toList();
            if (hits.size() == 1) {
                return new Selection(hits, Optional.of(hits.getFirst()));
            }
            if (hits.isEmpty()) {
                throw new HubException(name + ": " + name.repo() + " has no GGUF file of quant " + name.quant().get()
                        + available(name, repoFiles));
            }
            throw new HubException(name + ": several GGUF files match " + name.quant().get() + ": " + String.join(", ", hits)
                    + "; name one as hf:" + name.repo() + "/FILE");
        }
        List<String> weights = repoFiles.stream().filter(f -> !f.contains("/") && f.endsWith(".safetensors")).sorted().toList();
        if (repoFiles.contains("config.json") && !weights.isEmpty()) {
            List<String> files = repoFiles.stream().filter(f -> FOLDER_FILES.contains(f) || weights.contains(f)
                    || f.equals("model.safetensors.index.json")).sorted().toList();
            return new Selection(files, Optional.empty());
        }
        if (ggufs.size() == 1) {
            return new Selection(ggufs, Optional.of(ggufs.getFirst()));
        }
        if (ggufs.isEmpty()) {
            throw new HubException(name + ": " + name.repo() + " has neither GGUF files nor a safetensors model (config.json and *.safetensors)");
        }
        throw new HubException(name + ": " + name.repo() + " has " + ggufs.size() + " GGUF files; pick one" + available(name, repoFiles));
    }

    /** "; it has hf:R:Q4_K_M, hf:R:Q8_0" (the names to try), or "" when the repository has no GGUF. */
    private static String available(HfName name, List<String> repoFiles) {
        List<String> ggufs = repoFiles.stream().filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".gguf")).sorted().toList();
        if (ggufs.isEmpty()) {
            return "";
        }
        String names = ggufs.stream().map(f -> {
            String q = HfName.quantOf(f);
            return q.isEmpty() ? HfName.PREFIX + name.repo() + "/" + f : HfName.PREFIX + name.repo() + ":" + q;
        }).distinct().collect(Collectors.joining(", "));
        return "; it has " + names;
    }
}
