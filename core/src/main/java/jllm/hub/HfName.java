package jllm.hub;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model on Hugging Face as jllm names it: {@code hf:OWNER/REPO} (the repository's safetensors folder, or
 * its only GGUF), {@code hf:OWNER/REPO:QUANT} (the GGUF whose file name carries that quant, e.g.
 * {@code Q4_K_M}) or {@code hf:OWNER/REPO/FILE} (one file by its path in the repository).
 * <pre>{@code HfName n = HfName.parse("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M");}</pre>
 */
public record HfName(String repo, Optional<String> quant, Optional<String> file) {
    public static final String PREFIX = "hf:";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public HfName {
        if (quant.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("give a quant or a file, not both");
        }
    }

    /** True for a string that names a pulled model rather than a path. */
    public static boolean isName(String s) {
        return s.startsWith(PREFIX);
    }

    /** Parses {@code hf:OWNER/REPO[:QUANT|/FILE]}; the message of a malformed name shows the form. */
    public static HfName parse(String s) {
        if (!isName(s)) {
            throw bad(s, "it does not start with hf:");
        }
        String rest = s.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw bad(s, "no OWNER/REPO");
        }
        String owner = rest.substring(0, slash);
        String tail = rest.substring(slash + 1);
        int fileSlash = tail.indexOf('/');
        int colon = tail.indexOf(':');
        String repoName;
        Optional<String> quant = Optional.empty();
        Optional<String> file = Optional.empty();
        if (fileSlash >= 0 && (colon < 0 || fileSlash < colon)) {
            repoName = tail.substring(0, fileSlash);
            String f = tail.substring(fileSlash + 1);
            if (f.isEmpty() || f.startsWith("/") || f.endsWith("/") || f.contains("..") || f.contains("\\")) {
                throw bad(s, "the FILE part is not a file path in the repository");
            }
            file = Optional.of(f);
        } else if (colon >= 0) {
            repoName = tail.substring(0, colon);
            String q = tail.substring(colon + 1);
            if (!PART.matcher(q).matches()) {
                throw bad(s, "the QUANT part is not a quant name like Q4_K_M");
            }
            quant = Optional.of(q);
        } else {
            repoName = tail;
        }
        if (!PART.matcher(owner).matches() || !PART.matcher(repoName).matches()) {
            throw bad(s, "OWNER and REPO are letters, digits, '.', '_' and '-'");
        }
        return new HfName(owner + "/" + repoName, quant, file);
    }

    private static IllegalArgumentException bad(String s, String why) {
        return new IllegalArgumentException("not a model name: " + s + " (" + why
                + "); the forms are hf:OWNER/REPO, hf:OWNER/REPO:QUANT and hf:OWNER/REPO/FILE");
    }

    /** The repository's folder in the cache: {@code models--OWNER--REPO}. */
    public String folderName() {
        return "models--" + repo.replace("/", "--");
    }

    /**
     * True when {@code path} (a file in the repository) is a GGUF of this name's quant: the quant stands in
     * the file name between separators, so {@code Q4_K} does not pick {@code model-Q4_K_M.gguf}.
     */
    public boolean quantMatches(String path) {
        String f = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return quant.isPresent() && f.endsWith(".gguf") && quantOf(f).equalsIgnoreCase(quant.get());
    }

    /**
     * The quant a GGUF file name carries ({@code Qwen2.5-0.5B-Instruct-Q4_K_M.gguf -> Q4_K_M}), or "": the
     * last part after '-' or '.' that starts with Q, IQ, F or BF and a digit.
     */
    public static String quantOf(String fileName) {
        String f = fileName.substring(fileName.lastIndexOf('/') + 1);
        if (f.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            f = f.substring(0, f.length() - 5);
        }
        f = f.replaceAll("-\\d{5}-of-\\d{5}$", ""); // split GGUF shards
        String[] parts = f.split("[-.]");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (parts[i].matches("(?i)(I?Q\\d.*|B?F\\d+|MXFP\\d.*)")) {
                return parts[i].toUpperCase(Locale.ROOT);
            }
        }
        return "";
    }

    /** This name as written: {@code hf:OWNER/REPO[:QUANT|/FILE]}. */
    @Override
    public String toString() {
        return PREFIX + repo + quant.map(q -> ":" + q).orElse("") + file.map(f -> "/" + f).orElse("");
    }
}
