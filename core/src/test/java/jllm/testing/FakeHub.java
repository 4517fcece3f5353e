package jllm.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jllm.format.json.Json;

/**
 * A local HTTP server on loopback that answers as the Hugging Face hub does, for the requests a pull makes:
 * <ul>
 * <li>{@code GET /api/models/OWNER/REPO/revision/main?blobs=true}: {@code sha} (the commit) and {@code siblings}
 * with {@code rfilename}, {@code size}, {@code blobId} (git blob sha1) and, for LFS files (*.gguf,
 * *.safetensors), {@code lfs.sha256} and {@code lfs.size};</li>
 * <li>{@code GET /OWNER/REPO/resolve/REV/FILE}: a small file at once (ETag: its blob sha1); an LFS file by a 302
 * to {@code /cdn/SHA256} with {@code X-Linked-Etag}, {@code X-Linked-Size} and {@code X-Repo-Commit}, as the
 * hub redirects to its CDN;</li>
 * <li>{@code GET /cdn/SHA256}: the bytes, honouring {@code Range: bytes=N-} with 206 and Content-Range.</li>
 * </ul>
 * A gated repository answers 401 without the right Bearer token, an unknown one 404. Faults to play: cut the
 * connection after some bytes ({@link #cutAfter}), serve bytes that do not match the advertised hash
 * ({@link #corrupt}), serve slowly ({@link #slowMillisPerChunk}). Every request is logged.
 */
public final class FakeHub implements AutoCloseable {
    record Repo(String commit, Map<String, byte[]> files, Optional<String> token) {
    }

    private final HttpServer server;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    public final List<String> log = Collections.synchronizedList(new ArrayList<>());
    public final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    /** Cut the next this-many CDN responses after {@link #cutAt} bytes of the body. */
    public final AtomicInteger cutAfter = new AtomicInteger();
    public volatile long cutAt;
    public volatile boolean corrupt;
    public volatile int slowMillisPerChunk;

    public FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void add(String repo, String commit, Map<String, byte[]> files) {
        add(repo, commit, files, Optional.empty());
    }

    public void add(String repo, String commit, Map<String, byte[]> files, Optional<String> token) {
        repos.put(repo, new Repo(commit, new LinkedHashMap<>(files), token));
        files.forEach((f, b) -> {
            if (lfs(f)) {
                cdn.put(sha256(b), b);
            }
        });
    }

    /** The requests to the CDN path (the file downloads proper). */
    public List<String> cdnRequests() {
        synchronized (log) {
            return log.stream().filter(l -> l.contains(" /cdn/")).toList();
        }
    }

    static boolean lfs(String file) {
        return file.endsWith(".gguf") || file.endsWith(".safetensors");
    }

    public static String sha256(byte[] b) {
        return hex("SHA-256", null, b);
    }

    public static String gitSha1(byte[] b) {
        return hex("SHA-1", ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII), b);
    }

    private static String hex(String alg, byte[] prefix, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance(alg);
            if (prefix != null) {
                md.update(prefix);
            }
            return HexFormat.of().formatHex(md.digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        log.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authorizations.add(auth);
        }
        try (ex) {
            if (path.startsWith("/cdn/")) {
                serveBytes(ex, cdn.get(path.substring(5)), range);
                return;
            }
            boolean api = path.startsWith("/api/models/");
            String[] parts = (api ? path.substring("/api/models/".length()) : path.substring(1)).split("/", 5);
            Repo repo = parts.length >= 2 ? repos.get(parts[0] + "/" + parts[1]) : null;
            if (repo == null) {
                send(ex, 404, "{\"error\":\"Repository not found\"}", Map.of("X-Error-Code", "RepoNotFound"));
                return;
            }
            if (repo.token().isPresent() && !("Bearer " + repo.token().get()).equals(auth)) {
                send(ex, 401, "{\"error\":\"Access to model " + parts[0] + "/" + parts[1] + " is restricted.\"}", Map.of("X-Error-Code", "GatedRepo"));
                return;
            }
            if (api) {
                send(ex, 200, info(parts[0] + "/" + parts[1], repo), Map.of("Content-Type", "application/json"));
                return;
            }
            if (parts.length == 5 && parts[2].equals("resolve")) {
                String file = java.net.URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
                byte[] b = repo.files().get(file);
                if (b == null) {
                    send(ex, 404, "{\"error\":\"Entry not found\"}", Map.of("X-Error-Code", "EntryNotFound"));
                    return;
                }
                ex.getResponseHeaders().set("X-Repo-Commit", repo.commit());
                if (lfs(file)) {
                    ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha256(b) + "\"");
                    ex.getResponseHeaders().set("X-Linked-Size", Long.toString(b.length));
                    ex.getResponseHeaders().set("Location", "/cdn/" + sha256(b));
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
                ex.getResponseHeaders().set("ETag", "\"" + gitSha1(b) + "\"");
                serveBytes(ex, b, range);
                return;
            }
            send(ex, 404, "{}", Map.of());
        }
    }

    private String info(String id, Repo repo) {
        StringBuilder s = new StringBuilder("{\"id\":" + Json.quote(id) + ",\"sha\":" + Json.quote(repo.commit()) + ",\"siblings\":[");
        String sep = "";
        for (Map.Entry<String, byte[]> f : repo.files().entrySet()) {
            byte[] b = f.getValue();
            s.append(sep).append("{\"rfilename\":").append(Json.quote(f.getKey()));
            if (lfs(f.getKey())) {
                s.append(",\"size\":").append(b.length).append(",\"blobId\":\"").append(gitSha1(("oid sha256:" + sha256(b)).getBytes(StandardCharsets.UTF_8)))
                        .append("\",\"lfs\":{\"sha256\":\"").append(sha256(b)).append("\",\"size\":").append(b.length).append(",\"pointerSize\":134}}");
            } else {
                s.append(",\"size\":").append(b.length).append(",\"blobId\":\"").append(gitSha1(b)).append("\"}");
            }
            sep = ",";
        }
        return s.append("]}").toString();
    }

    private void serveBytes(HttpExchange ex, byte[] b, String range) throws IOException {
        if (b == null) {
            send(ex, 404, "{}", Map.of());
            return;
        }
        if (corrupt) {
            b = b.clone();
            b[b.length / 2] ^= 1;
        }
        int start = 0;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            start = Integer.parseInt(range.substring(6, range.length() - 1));
            if (start >= b.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + b.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (b.length - 1) + "/" + b.length);
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        ex.sendResponseHeaders(start > 0 ? 206 : 200, b.length - start);
        boolean cut = cutAfter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        OutputStream out = ex.getResponseBody();
        int pos = start;
        while (pos < b.length) {
            int n = Math.min(16 * 1024, b.length - pos);
            if (cut && pos + n > cutAt) {
                out.write(b, pos, (int) Math.max(0, cutAt - pos));
                out.flush();
                // drop the connection mid-body, as a network failure would
                throw new IOException("cut by the test");
            }
            out.write(b, pos, n);
            out.flush();
            pos += n;
            if (slowMillisPerChunk > 0) {
                try {
                    Thread.sleep(slowMillisPerChunk);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
