package jllm.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Hugging Face cache on disk, in the layout the {@code huggingface_hub} Python library writes, so files
 * pulled by either are found by both:
 * <pre>
 * ROOT/models--OWNER--REPO/blobs/SHA256           a file's bytes, named by its LFS sha256 (git sha1 for small files)
 *                          blobs/SHA256.incomplete a download under way or cut; resumed, never read as a model
 *                          snapshots/COMMIT/FILE  -> ../../blobs/SHA256 (relative symlink)
 *                          refs/main               the commit "main" pointed at when last pulled
 * ROOT/.locks/models--OWNER--REPO/SHA256.lock      held while one process downloads that blob
 * </pre>
 * ROOT is {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code $XDG_CACHE_HOME/huggingface/hub}, else
 * {@code ~/.cache/huggingface/hub}. Looking up a name ({@link #find}) reads only the disk.
 */
public final class HfCache {
    private final Path root;

    public HfCache(Path root) {
        this.root = root;
    }

    /** The cache the environment names (see the class comment). */
    public static HfCache fromEnvironment(Map<String, String> env) {
        return new HfCache(rootFrom(env));
    }

    /** The cache of this process's environment. */
    public static HfCache fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Path rootFrom(Map<String, String> env) {
        if (set(env, "HF_HUB_CACHE")) {
            return Path.of(env.get("HF_HUB_CACHE"));
        }
        if (set(env, "HF_HOME")) {
            return Path.of(env.get("HF_HOME"), "hub");
        }
        if (set(env, "XDG_CACHE_HOME")) {
            return Path.of(env.get("XDG_CACHE_HOME"), "huggingface", "hub");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
    }

    private static boolean set(Map<String, String> env, String key) {
        return env.get(key) != null && !env.get(key).isBlank();
    }

    public Path root() {
        return root;
    }

    Path repoDir(HfName name) {
        return root.resolve(name.folderName());
    }

    Path blob(HfName name, String etag) {
        return repoDir(name).resolve("blobs").resolve(etag);
    }

    Path snapshot(HfName name, String commit) {
        return repoDir(name).resolve("snapshots").resolve(commit);
    }

    Path lockFile(HfName name, String etag) {
        return root.resolve(".locks").resolve(name.folderName()).resolve(etag + ".lock");
    }

    Path ref(HfName name, String revision) {
        return repoDir(name).resolve("refs").resolve(revision);
    }

    /**
     * The model file or folder {@code name} means, when every file of it is in the cache (no request is made);
     * empty when it has not been pulled (or only in part).
     */
    public Optional<Path> find(HfName name) {
        for (Path snap : snapshots(name)) {
            List<String> files = filesIn(snap);
            Selection sel;
            try {
                sel = Selection.of(name, files);
            } catch (HubException notHere) {
                continue;
            }
            if (sel.files().stream().allMatch(f -> Files.isRegularFile(snap.resolve(f)))) {
                return Optional.of(sel.single().map(snap::resolve).orElse(snap));
            }
        }
        return Optional.empty();
    }

    /**
     * A model argument as every command takes it: a pulled name ({@code hf:...}) becomes its file or folder in
     * the cache of this process's environment (no network; an error says to pull it when it is missing); any
     * other path is returned as it is.
     */
    public static Path pulledOrSame(Path modelArgument) {
        String s = modelArgument.toString();
        return HfName.isName(s) ? fromEnvironment().require(HfName.parse(s)) : modelArgument;
    }

    /** Like {@link #find}, or an error that says how to pull the model. */
    public Path require(HfName name) {
        return find(name).orElseThrow(() -> new HubException(name + " is not pulled yet (looked in " + root
                + "); run: jllm pull " + name));
    }

    /** The snapshot folders of a repository, the one refs/main names first. */
    List<Path> snapshots(HfName name) {
        Path dir = repoDir(name).resolve("snapshots");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Set<Path> out = new LinkedHashSet<>();
        readRef(name, "main").map(dir::resolve).filter(Files::isDirectory).ifPresent(out::add);
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted(Comparator.comparing(HfCache::modified).reversed()).forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }

    Optional<String> readRef(HfName name, String revision) {
        try {
            return Optional.of(Files.readString(ref(name, revision), StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Repository paths of the files in a snapshot ('/'-separated), links whose blob is missing included. */
    static List<String> filesIn(Path snapshot) {
        try (Stream<Path> s = Files.walk(snapshot)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> snapshot.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** One pulled model: its name, its size on disk (bytes) and the file or folder commands open. */
    public record Entry(HfName name, long bytes, Path path) {
    }

    /**
     * The models in the cache: each GGUF file of a snapshot (by quant when that picks it alone, else by file)
     * and each safetensors folder, whoever downloaded them.
     */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root, "models--*")) {
            for (Path repoDir : repos) {
                String[] parts = repoDir.getFileName().toString().substring("models--".length()).split("--", 2);
                if (parts.length != 2) {
                    continue; // a repository without an owner ("gpt2"): not a name jllm gives
                }
                String repo = parts[0] + "/" + parts[1];
                Set<String> seen = new LinkedHashSet<>();
                HfName bare = new HfName(repo, Optional.empty(), Optional.empty());
                for (Path snap : snapshots(bare)) {
                    List<String> files = filesIn(snap);
                    List<HfName> names = new ArrayList<>();
                    names.add(bare);
                    for (String f : files) {
                        if (f.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
                            String q = HfName.quantOf(f);
                            HfName byQuant = new HfName(repo, Optional.of(q), Optional.empty());
                            boolean alone = !q.isEmpty() && files.stream().filter(byQuant::quantMatches).count() == 1;
                            names.add(alone ? byQuant : new HfName(repo, Optional.empty(), Optional.of(f)));
                        }
                    }
                    for (HfName n : names) {
                        Selection sel;
                        try {
                            sel = Selection.of(n, files);
                        } catch (HubException e) {
                            continue;
                        }
                        if (n == bare && sel.single().isPresent()) {
                            continue; // the only GGUF: listed by its quant or file below
                        }
                        if (!seen.add(sel.files().toString()) || !sel.files().stream().allMatch(f -> Files.isRegularFile(snap.resolve(f)))) {
                            continue;
                        }
                        long bytes = 0;
                        for (String f : sel.files()) {
                            bytes += size(snap.resolve(f));
                        }
                        out.add(new Entry(n, bytes, sel.single().map(snap::resolve).orElse(snap)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(e -> e.name().toString()));
        return out;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Deletes what {@code name} means from the cache: its snapshot links and the blobs no other link uses;
     * the repository's folder goes too once no file is left in it (or at once for a bare {@code hf:OWNER/REPO}
     * that names no complete model, e.g. a pull that never finished). Returns the bytes freed; throws when
     * nothing of it is cached.
     */
    public long remove(HfName name) {
        Path repoDir = repoDir(name);
        if (!Files.isDirectory(repoDir)) {
            throw new HubException(name + " is not in the cache (" + root + "); jllm list shows what is");
        }
        Optional<Path> found = find(name);
        long freed = 0;
        try {
            if (found.isEmpty()) {
                if (name.quant().isPresent() || name.file().isPresent()) {
                    throw new HubException(name + " is not in the cache (" + root + "); jllm list shows what is");
                }
                freed = treeSize(repoDir);
                deleteTree(repoDir);
                deleteTree(root.resolve(".locks").resolve(name.folderName()));
                return freed;
            }
            Path snap = Files.isDirectory(found.get()) ? found.get()
                    : snapshots(name).stream().filter(s -> found.get().startsWith(s)).findFirst().orElseThrow();
            Selection sel = Selection.of(name, filesIn(snap));
            Set<Path> blobs = new LinkedHashSet<>();
            for (String f : sel.files()) {
                Path link = snap.resolve(f);
                if (Files.isSymbolicLink(link)) {
                    blobs.add(link.toRealPath());
                } else {
                    freed += Files.size(link);
                }
                Files.delete(link);
            }
            Set<Path> stillUsed = new LinkedHashSet<>();
            try (Stream<Path> all = Files.walk(repoDir.resolve("snapshots"))) {
                for (Path p : all.filter(Files::isSymbolicLink).toList()) {
                    if (Files.exists(p)) {
                        stillUsed.add(p.toRealPath());
                    }
                }
            }
            for (Path b : blobs) {
                if (!stillUsed.contains(b)) {
                    freed += Files.size(b);
                    Files.delete(b);
                }
            }
            boolean anyFileLeft;
            try (Stream<Path> s = Files.walk(repoDir.resolve("snapshots"))) {
                anyFileLeft = s.anyMatch(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
            }
            if (!anyFileLeft) {
                freed += treeSize(repoDir);
                deleteTree(repoDir);
            }
            return freed;
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + name + " from " + root + ": " + e.getMessage(), e);
        }
    }

    private static long treeSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(HfCache::size).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
