package jllm.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import jllm.format.json.Json;
import jllm.format.json.JsonException;

/**
 * Downloads models from the Hugging Face hub into the {@link HfCache}: asks the hub which files the
 * repository has at {@code main} ({@code GET /api/models/REPO/revision/main?blobs=true}: commit, paths,
 * sizes, LFS sha256), picks them by the name ({@link HfName}), then fetches each from
 * {@code /REPO/resolve/COMMIT/FILE}, following redirects to the CDN, into {@code blobs/SHA256.incomplete};
 * an interrupted download resumes there with an HTTP Range request. A file becomes a blob only after its
 * size and hash match the hub's (sha256 for LFS files, the git blob sha1 for small ones), by an atomic
 * rename; a lock file per blob makes a second pull of the same file wait and then reuse it.
 * <pre>{@code
 * Path model = new HfHub(HfHub.Options.fromEnvironment(System.getenv())).pull(HfName.parse("hf:OWNER/REPO:Q4_K_M"), Progress.NONE).path();
 * }</pre>
 */
public final class HfHub {
    /** How often a cut connection is retried at once (with Range) before the pull fails. */
    private static final int RESUME_ATTEMPTS = 3;
    private static final int MAX_REDIRECTS = 10;
    /** Pulls in this JVM that hold a blob's lock; FileChannel locks exclude other processes only. */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** Opens a file to append to; a test passes one with a quota to play a full disk. */
    @FunctionalInterface
    public interface FileOpener {
        WritableByteChannel append(Path file) throws IOException;

        FileOpener DEFAULT = f -> FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * Where and how to pull.
     *
     * @param endpoint the hub ({@code HF_ENDPOINT}, default https://huggingface.co)
     * @param token    a Hugging Face access token ({@code HF_TOKEN}), sent as a Bearer token to the hub only
     * @param cache    where files go
     * @param opener   how blob files are opened for writing
     */
    public record Options(URI endpoint, Optional<String> token, HfCache cache, FileOpener opener) {
        public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

        /** From {@code HF_ENDPOINT}, {@code HF_TOKEN} and the cache variables (see {@link HfCache}). */
        public static Options fromEnvironment(Map<String, String> env) {
            String e = env.getOrDefault("HF_ENDPOINT", "");
            URI endpoint = e.isBlank() ? DEFAULT_ENDPOINT : URI.create(e.strip().replaceAll("/+$", ""));
            Optional<String> token = Optional.ofNullable(env.get("HF_TOKEN")).or(() -> Optional.ofNullable(env.get("HUGGING_FACE_HUB_TOKEN")))
                    .map(String::strip).filter(t -> !t.isEmpty());
            return new Options(endpoint, token, HfCache.fromEnvironment(env), FileOpener.DEFAULT);
        }

        public Options withOpener(FileOpener o) {
            return new Options(endpoint, token, cache, o);
        }
    }

    /** What a pull reports as it goes; a terminal draws a bar, a log writes lines. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** A file starts (or resumes at {@code done}) of {@code total} bytes. */
        default void started(String file, long done, long total) {
        }

        /** {@code done} of the file's bytes are on disk. */
        default void advanced(String file, long done, long total) {
        }

        /** The file is verified and in the cache ({@code downloaded} false: it was there already). */
        default void finished(String file, long total, boolean downloaded) {
        }
    }

    /** The result of a pull: the file or folder to open, and the bytes that came over the network. */
    public record Pulled(HfName name, Path path, long downloadedBytes, boolean alreadyCached) {
    }

    /** A file of the repository as the hub lists it; sha256 for LFS files, blobId (git sha1) for all. */
    record RemoteFile(String path, long size, Optional<String> sha256, Optional<String> blobId) {
        String etag() {
            return sha256.or(() -> blobId).orElseThrow(() -> new HubException("the hub lists " + path + " without a hash"));
        }
    }

    private final Options options;
    private final HttpClient http;

    public HfHub(Options options) {
        this.options = options;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Makes {@code name} available in the cache and returns where. A name already complete in the cache is
     * returned without any request.
     */
    public Pulled pull(HfName name, Progress progress) {
        Optional<Path> cached = options.cache().find(name);
        if (cached.isPresent()) {
            return new Pulled(name, cached.get(), 0, true);
        }
        Map<String, Object> info = modelInfo(name);
        String commit = string(info.get("sha")).orElseThrow(() -> new HubException(name + ": the hub's answer names no commit"));
        List<RemoteFile> files = siblings(name, info);
        Selection sel = Selection.of(name, files.stream().map(RemoteFile::path).toList());
        long downloaded = 0;
        for (String f : sel.files()) {
            RemoteFile rf = files.stream().filter(r -> r.path().equals(f)).findFirst().orElseThrow();
            downloaded += fetch(name, commit, rf, progress);
        }
        writeRef(name, commit);
        Path snap = options.cache().snapshot(name, commit);
        return new Pulled(name, sel.single().map(snap::resolve).orElse(snap), downloaded, false);
    }

    // --- the repository's listing

    private Map<String, Object> modelInfo(HfName name) {
        URI uri = URI.create(options.endpoint() + "/api/models/" + name.repo() + "/revision/main?blobs=true");
        HttpResponse<String> r = send(name, null, request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        check(name, null, r.statusCode(), uri);
        try {
            return Json.parseObject(r.body(), uri.toString());
        } catch (JsonException e) {
            throw new HubException(name + ": the hub's answer at " + uri + " is not the JSON expected: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<RemoteFile> siblings(HfName name, Map<String, Object> info) {
        if (!(info.get("siblings") instanceof List<?> list)) {
            throw new HubException(name + ": the hub's answer lists no files (no \"siblings\")");
        }
        List<RemoteFile> out = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> m) {
                Map<String, Object> s = (Map<String, Object>) m;
                Optional<String> path = string(s.get("rfilename"));
                if (path.isEmpty()) {
                    continue;
                }
                Map<String, Object> lfs = s.get("lfs") instanceof Map<?, ?> l ? (Map<String, Object>) l : Map.of();
                long size = lfs.get("size") instanceof Long n ? n : s.get("size") instanceof Long n2 ? n2 : -1;
                out.add(new RemoteFile(path.get(), size, string(lfs.get("sha256")).filter(HfHub::isSha256),
                        string(s.get("blobId"))));
            }
        }
        return out;
    }

    private static Optional<String> string(Object o) {
        return o instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    private static boolean isSha256(String s) {
        return s.matches("[0-9a-f]{64}");
    }

    // --- one file

    /** Puts one file in the cache and links it from the snapshot; returns the bytes downloaded. */
    private long fetch(HfName name, String commit, RemoteFile rf, Progress progress) {
        HfCache cache = options.cache();
        Path pointer = cache.snapshot(name, commit).resolve(rf.path());
        Path blob = cache.blob(name, rf.etag());
        try {
            if (Files.isRegularFile(pointer)) {
                progress.finished(rf.path(), rf.size(), false);
                return 0;
            }
            long downloaded = 0;
            if (!Files.isRegularFile(blob)) {
                Files.createDirectories(blob.getParent());
                Path lockFile = cache.lockFile(name, rf.etag());
                Files.createDirectories(lockFile.getParent());
                ReentrantLock local = IN_PROCESS.computeIfAbsent(blob, b -> new ReentrantLock());
                local.lock();
                try (FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = lc.lock()) {
                    if (!Files.isRegularFile(blob)) { // another pull may have finished it while this one waited
                        downloaded = download(name, commit, rf, blob, progress);
                    }
                } finally {
                    local.unlock();
                }
            }
            link(pointer, blob);
            if (downloaded == 0) {
                progress.finished(rf.path(), rf.size(), false);
            }
            return downloaded;
        } catch (IOException e) {
            throw new HubException(name + ": " + rf.path() + ": " + describe(e, cache.root()), e);
        }
    }

    /** Downloads into blob.incomplete (resuming), verifies it and renames it onto blob; returns bytes received. */
    private long download(HfName name, String commit, RemoteFile rf, Path blob, Progress progress) throws IOException {
        Path part = blob.resolveSibling(blob.getFileName() + ".incomplete");
        URI uri = URI.create(options.endpoint() + "/" + name.repo() + "/resolve/" + commit + "/" + encodePath(rf.path()));
        long received = 0;
        for (int attempt = 1; ; attempt++) {
            long offset = Files.exists(part) ? Files.size(part) : 0;
            if (rf.size() >= 0 && offset > rf.size()) {
                Files.delete(part); // longer than the file: not a prefix of it
                offset = 0;
            }
            try {
                received += transfer(name, rf, uri, part, offset, progress);
                break;
            } catch (Cut cut) {
                received += cut.bytes;
                if (attempt >= RESUME_ATTEMPTS) {
                    long have = Files.exists(part) ? Files.size(part) : 0;
                    throw new HubException(name + ": " + rf.path() + ": the connection was lost after " + have + " of "
                            + rf.size() + " bytes (" + cut.getCause().getMessage() + "); run the same jllm pull again to resume"
                            + " from " + part, cut.getCause());
                }
            }
        }
        verify(name, rf, part);
        try {
            Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.delete(part); // a Python tool wrote the same blob meanwhile: same hash, same bytes
        }
        progress.finished(rf.path(), rf.size(), true);
        return received;
    }

    /** A connection cut mid-body, carrying how many bytes came before it. */
    private static final class Cut extends Exception {
        final long bytes;

        Cut(long bytes, IOException cause) {
            super(cause);
            this.bytes = bytes;
        }
    }

    /** One GET of the file from {@code offset}, appended to {@code part}; returns the bytes received. */
    private long transfer(HfName name, RemoteFile rf, URI uri, Path part, long offset, Progress progress) throws IOException, Cut {
        HttpRequest.Builder rb = request(uri).GET();
        if (offset > 0) {
            rb.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> r;
        try {
            r = send(name, rf.path(), rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HubException e) {
            // the client may see the connection drop before it hands over the body ("bytes received: 0"):
            // that is a cut like any other, resumed from what the part file holds (a refused connection is not)
            if (e.getCause() instanceof IOException io && !(io instanceof java.net.ConnectException)) {
                throw new Cut(0, io);
            }
            throw e;
        }
        int status = r.statusCode();
        if (status == 416 && offset > 0) {
            r.body().close();
            Files.delete(part); // the hub cannot continue it: start over
            return transfer(name, rf, uri, part, 0, progress);
        }
        check(name, rf.path(), status, uri);
        long start = offset;
        if (offset > 0 && (status != 206 || !r.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + offset + "-"))) {
            start = 0; // the server sent the whole file
        }
        if (start == 0) {
            Files.deleteIfExists(part);
        }
        long total = rf.size() >= 0 ? rf.size() : r.headers().firstValueAsLong("Content-Length").orElse(-1) + start;
        progress.started(rf.path(), start, total);
        long done = start;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = r.body(); WritableByteChannel out = options.opener().append(part)) {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException cut) {
                    throw new Cut(done - start, cut);
                }
                if (n < 0) {
                    break;
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                done += n;
                progress.advanced(rf.path(), done, total);
            }
        }
        if (rf.size() >= 0 && done < rf.size()) {
            throw new Cut(done - start, new IOException("the server closed the connection early"));
        }
        return done - start;
    }

    /** Size and hash against the hub's; a file that does not match is deleted, never kept as a blob. */
    private static void verify(HfName name, RemoteFile rf, Path part) throws IOException {
        long size = Files.size(part);
        if (rf.size() >= 0 && size != rf.size()) {
            Files.delete(part);
            throw new HubException(name + ": " + rf.path() + ": the download has " + size + " bytes, the hub says "
                    + rf.size() + "; deleted it; run jllm pull again");
        }
        String expected;
        String actual;
        String kind;
        if (rf.sha256().isPresent()) {
            kind = "sha256";
            expected = rf.sha256().get();
            actual = hash(part, "SHA-256", null);
        } else {
            kind = "git blob sha1";
            expected = rf.blobId().orElseThrow();
            actual = hash(part, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        if (!actual.equals(expected)) {
            Files.delete(part);
            throw new HubException(name + ": " + rf.path() + ": " + kind + " mismatch: the hub says " + expected
                    + ", the download is " + actual + "; deleted it; run jllm pull again");
        }
    }

    private static String hash(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (prefix != null) {
            md.update(prefix);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** snapshots/COMMIT/FILE -> ../../blobs/ETAG, relative as huggingface_hub makes it; a copy where links fail. */
    private static void link(Path pointer, Path blob) throws IOException {
        Files.createDirectories(pointer.getParent());
        Path target = pointer.getParent().relativize(blob);
        Path tmp = pointer.resolveSibling(pointer.getFileName() + ".jllm-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, target);
        } catch (UnsupportedOperationException | IOException noLinks) {
            Files.copy(blob, tmp);
        }
        Files.move(tmp, pointer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeRef(HfName name, String commit) {
        Path ref = options.cache().ref(name, "main");
        try {
            Files.createDirectories(ref.getParent());
            Path tmp = ref.resolveSibling("main.jllm-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
            Files.writeString(tmp, commit);
            Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- HTTP

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("User-Agent", "jllm").timeout(Duration.ofMinutes(2));
    }

    /** Sends, following redirects by hand so the token goes to the hub's host only (not to a CDN). */
    private <T> HttpResponse<T> send(HfName name, String file, HttpRequest first, HttpResponse.BodyHandler<T> body) {
        HttpRequest req = first;
        for (int hops = 0; ; hops++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(req, (k, v) -> true);
            if (options.token().isPresent() && sameOrigin(req.uri(), options.endpoint())) {
                b.setHeader("Authorization", "Bearer " + options.token().get());
            }
            HttpResponse<T> r;
            try {
                r = http.send(b.build(), body);
            } catch (ConnectException e) {
                throw new HubException(what(name, file) + ": cannot connect to " + req.uri().getHost() + ":" + port(req.uri())
                        + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")"
                        + (options.endpoint().equals(Options.DEFAULT_ENDPOINT) ? "" : "; HF_ENDPOINT is " + options.endpoint()), e);
            } catch (IOException e) {
                throw new HubException(what(name, file) + ": request to " + req.uri() + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(what(name, file) + ": interrupted", e);
            }
            int s = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent()) {
                if (hops >= MAX_REDIRECTS) {
                    throw new HubException(what(name, file) + ": more than " + MAX_REDIRECTS + " redirects from " + first.uri());
                }
                closeQuietly(r);
                req = HttpRequest.newBuilder(req, (k, v) -> !k.equalsIgnoreCase("Authorization")).uri(req.uri().resolve(location.get())).build();
                continue;
            }
            return r;
        }
    }

    private static void closeQuietly(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // a redirect's body is not read
            }
        }
    }

    private void check(HfName name, String file, int status, URI uri) {
        if (status / 100 == 2) {
            return;
        }
        String what = what(name, file);
        throw switch (status) {
            case 401, 403 -> new HubException(what + ": the hub refused access (HTTP " + status + "); "
                    + (options.token().isPresent() ? "the token in HF_TOKEN cannot read " + name.repo()
                    + " (for a gated model, accept its terms on the model's page)"
                    : name.repo() + " may be gated or private: set HF_TOKEN to an access token (https://huggingface.co/settings/tokens)"));
            case 404 -> new HubException(file == null ? what + ": no repository " + name.repo() + " on " + options.endpoint() + " (HTTP 404)"
                    : what + ": no file " + file + " in " + name.repo() + " on " + options.endpoint() + " (HTTP 404)");
            default -> new HubException(what + ": HTTP " + status + " from " + uri);
        };
    }

    private static String what(HfName name, String file) {
        return file == null ? name.toString() : name + ": " + file;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    static String encodePath(String path) {
        return List.of(path.split("/")).stream().map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    /** An I/O error as a user reads it: a full disk says so and where. */
    private static String describe(IOException e, Path root) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota exceeded") || m.contains("not enough space")) {
            return "no space left on the disk of " + root + "; free some (or set HF_HOME to a larger disk) and run the same"
                    + " jllm pull again to resume";
        }
        return (e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "") + m;
    }
}
