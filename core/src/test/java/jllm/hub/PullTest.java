package jllm.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jllm.testing.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls against {@link FakeHub}, a local imitation of the Hugging Face hub; nothing leaves loopback. */
class PullTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;
    FakeHub hub;
    HfCache cache;

    final byte[] q4km = bytes(1, 300_000);
    final byte[] q4k = bytes(2, 200_000);
    final byte[] q8 = bytes(3, 250_000);

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        cache = new HfCache(tmp.resolve("hub"));
        hub.add("acme/tiny-GGUF", COMMIT, Map.of("tiny-Q4_K_M.gguf", q4km, "tiny-Q4_K.gguf", q4k, "tiny-Q8_0.gguf", q8,
                "README.md", "# tiny".getBytes()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    HfHub client() {
        return client(Optional.empty());
    }

    HfHub client(Optional<String> token) {
        return new HfHub(new HfHub.Options(hub.endpoint(), token, cache, HfHub.FileOpener.DEFAULT));
    }

    Path repoDir(String repo) {
        return cache.root().resolve("models--" + repo.replace("/", "--"));
    }

    /** Every file under the repository's blobs folder (complete blobs and .incomplete ones). */
    List<String> blobs(String repo) throws IOException {
        Path b = repoDir(repo).resolve("blobs");
        if (!Files.isDirectory(b)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(b)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void quantPicksItsGgufFollowsTheRedirectAndWritesThePythonLayout() throws IOException {
        HfHub.Pulled p = client().pull(HfName.parse("hf:acme/tiny-GGUF:Q4_K"), HfHub.Progress.NONE);

        Path snap = repoDir("acme/tiny-GGUF").resolve("snapshots").resolve(COMMIT);
        assertThat(p.path()).isEqualTo(snap.resolve("tiny-Q4_K.gguf"));
        assertThat(Files.readAllBytes(p.path())).isEqualTo(q4k);
        assertThat(Files.isSymbolicLink(p.path())).isTrue();
        assertThat(Files.readSymbolicLink(p.path()).toString()).isEqualTo("../../blobs/" + FakeHub.sha256(q4k));
        assertThat(Files.readString(repoDir("acme/tiny-GGUF").resolve("refs/main"))).isEqualTo(COMMIT);
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(FakeHub.sha256(q4k));
        assertThat(p.downloadedBytes()).isEqualTo(q4k.length);
        // listing, then resolve (302 to the CDN path), then the bytes; README and the other quants untouched
        assertThat(hub.log).containsExactly("GET /api/models/acme/tiny-GGUF/revision/main",
                "GET /acme/tiny-GGUF/resolve/" + COMMIT + "/tiny-Q4_K.gguf", "GET /cdn/" + FakeHub.sha256(q4k));
        assertThat(Files.exists(cache.lockFile(HfName.parse("hf:acme/tiny-GGUF"), FakeHub.sha256(q4k)))).isTrue();

        // found again offline, by the same name and by file
        hub.log.clear();
        HfHub.Pulled again = client().pull(HfName.parse("hf:acme/tiny-GGUF:Q4_K"), HfHub.Progress.NONE);
        assertThat(again.alreadyCached()).isTrue();
        assertThat(again.path()).isEqualTo(p.path());
        assertThat(cache.find(HfName.parse("hf:acme/tiny-GGUF/tiny-Q4_K.gguf"))).contains(p.path());
        assertThat(cache.find(HfName.parse("hf:acme/tiny-GGUF:Q4_K_M"))).isEmpty();
        assertThat(hub.log).isEmpty();
    }

    @Test
    void aFileNamedByPathAndAnUnknownQuantSayWhatTheRepositoryHas() {
        assertThatThrownBy(() -> client().pull(HfName.parse("hf:acme/tiny-GGUF:Q5_0"), HfHub.Progress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessage("hf:acme/tiny-GGUF:Q5_0: acme/tiny-GGUF has no GGUF file of quant Q5_0; it has "
                        + "hf:acme/tiny-GGUF:Q4_K, hf:acme/tiny-GGUF:Q4_K_M, hf:acme/tiny-GGUF:Q8_0");
        assertThatThrownBy(() -> client().pull(HfName.parse("hf:acme/tiny-GGUF"), HfHub.Progress.NONE))
                .hasMessageStartingWith("hf:acme/tiny-GGUF: acme/tiny-GGUF has 3 GGUF files; pick one; it has hf:acme/tiny-GGUF:Q4_K,");

        HfHub.Pulled p = client().pull(HfName.parse("hf:acme/tiny-GGUF/tiny-Q8_0.gguf"), HfHub.Progress.NONE);
        assertThat(p.path().getFileName().toString()).isEqualTo("tiny-Q8_0.gguf");
        // offline, a bare name means the repository's one cached model
        assertThat(cache.find(HfName.parse("hf:acme/tiny-GGUF"))).contains(p.path());
    }

    @Test
    void aSafetensorsRepositoryGivesItsModelFilesAsAFolder() throws IOException {
        byte[] weights = bytes(4, 120_000);
        hub.add("acme/tiny", COMMIT, Map.of("config.json", "{\"model_type\":\"llama\"}".getBytes(), "tokenizer.json", "{}".getBytes(),
                "model.safetensors", weights, "README.md", "# readme".getBytes(), ".gitattributes", "*.safetensors filter=lfs".getBytes()));
        HfHub.Pulled p = client().pull(HfName.parse("hf:acme/tiny"), HfHub.Progress.NONE);

        assertThat(p.path()).isEqualTo(repoDir("acme/tiny").resolve("snapshots").resolve(COMMIT));
        assertThat(HfCache.filesIn(p.path())).containsExactly("config.json", "model.safetensors", "tokenizer.json");
        assertThat(Files.readAllBytes(p.path().resolve("model.safetensors"))).isEqualTo(weights);
        // a small file's blob is named by its git blob sha1, as huggingface_hub names it
        assertThat(blobs("acme/tiny")).contains(FakeHub.gitSha1("{}".getBytes()), FakeHub.sha256(weights));
        assertThat(cache.find(HfName.parse("hf:acme/tiny"))).contains(p.path());
    }

    @Test
    void aCutConnectionResumesWithRangeAndTheResultVerifies() throws IOException {
        hub.cutAt = 100_000;
        hub.cutAfter.set(3); // more cuts than one pull retries: the first pull fails, keeping its part
        HfName name = HfName.parse("hf:acme/tiny-GGUF:Q4_K_M");
        String sha = FakeHub.sha256(q4km);

        assertThatThrownBy(() -> client().pull(name, HfHub.Progress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageStartingWith("hf:acme/tiny-GGUF:Q4_K_M: tiny-Q4_K_M.gguf: the connection was lost after ")
                .hasMessageContaining("run the same jllm pull again to resume");
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(sha + ".incomplete");
        long kept = Files.size(repoDir("acme/tiny-GGUF").resolve("blobs").resolve(sha + ".incomplete"));
        assertThat(kept).isGreaterThan(0).isLessThan(q4km.length);
        assertThat(cache.find(name)).isEmpty();
        // each retry within the pull asked only for what it lacked
        assertThat(hub.cdnRequests()).hasSize(3);
        assertThat(rangeStart(hub.cdnRequests().get(1))).isBetween(1L, 100_000L);

        hub.log.clear();
        HfHub.Pulled p = client().pull(name, HfHub.Progress.NONE);
        assertThat(hub.cdnRequests()).containsExactly("GET /cdn/" + sha + " bytes=" + kept + "-");
        assertThat(p.downloadedBytes()).isEqualTo(q4km.length - kept);
        assertThat(Files.readAllBytes(p.path())).isEqualTo(q4km);
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(sha);
    }

    @Test
    void oneCutWithinAPullIsResumedThere() throws IOException {
        hub.cutAt = 150_000;
        hub.cutAfter.set(1);
        HfHub.Pulled p = client().pull(HfName.parse("hf:acme/tiny-GGUF:Q4_K_M"), HfHub.Progress.NONE);
        assertThat(Files.readAllBytes(p.path())).isEqualTo(q4km);
        assertThat(hub.cdnRequests()).hasSize(2);
        assertThat(rangeStart(hub.cdnRequests().get(1))).isBetween(1L, 150_000L);
    }

    /**
     * Where a logged request's Range starts. A cut connection may lose the last bytes the server wrote
     * (the reset discards what the client had not read), so a resume starts at or before the cut.
     */
    private static long rangeStart(String request) {
        int at = request.lastIndexOf(" bytes=");
        assertThat(at).as("a Range request: %s", request).isPositive();
        return Long.parseLong(request.substring(at + " bytes=".length(), request.length() - 1));
    }

    @Test
    void aWrongHashIsDeletedAndNeverTakenForWhole() throws IOException {
        hub.corrupt = true;
        HfName name = HfName.parse("hf:acme/tiny-GGUF:Q8_0");
        assertThatThrownBy(() -> client().pull(name, HfHub.Progress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageStartingWith("hf:acme/tiny-GGUF:Q8_0: tiny-Q8_0.gguf: sha256 mismatch: the hub says " + FakeHub.sha256(q8)
                        + ", the download is ")
                .hasMessageEndingWith("; deleted it; run jllm pull again");
        assertThat(blobs("acme/tiny-GGUF")).isEmpty();
        assertThat(cache.find(name)).isEmpty();
        assertThat(cache.list()).isEmpty();

        hub.corrupt = false;
        assertThat(Files.readAllBytes(client().pull(name, HfHub.Progress.NONE).path())).isEqualTo(q8);
    }

    @Test
    void aGatedRepositoryAsksForHfTokenAndTheTokenIsSent() throws IOException {
        hub.add("acme/gated", COMMIT, Map.of("g-Q8_0.gguf", q8), Optional.of("hf_secret"));
        HfName name = HfName.parse("hf:acme/gated:Q8_0");
        assertThatThrownBy(() -> client().pull(name, HfHub.Progress.NONE))
                .hasMessage("hf:acme/gated:Q8_0: the hub refused access (HTTP 401); acme/gated may be gated or private: "
                        + "set HF_TOKEN to an access token (https://huggingface.co/settings/tokens)");
        assertThatThrownBy(() -> client(Optional.of("hf_wrong")).pull(name, HfHub.Progress.NONE))
                .hasMessageContaining("the token in HF_TOKEN cannot read acme/gated");
        assertThat(Files.exists(repoDir("acme/gated"))).isFalse();

        hub.authorizations.clear();
        HfHub.Pulled p = client(Optional.of("hf_secret")).pull(name, HfHub.Progress.NONE);
        assertThat(Files.readAllBytes(p.path())).isEqualTo(q8);
        assertThat(hub.authorizations).isNotEmpty().allMatch("Bearer hf_secret"::equals);
    }

    @Test
    void notFoundNamesTheRepositoryOrTheFile() {
        assertThatThrownBy(() -> client().pull(HfName.parse("hf:acme/nope:Q4_0"), HfHub.Progress.NONE))
                .hasMessage("hf:acme/nope:Q4_0: no repository acme/nope on " + hub.endpoint() + " (HTTP 404)");
        assertThatThrownBy(() -> client().pull(HfName.parse("hf:acme/tiny-GGUF/missing.gguf"), HfHub.Progress.NONE))
                .hasMessageStartingWith("hf:acme/tiny-GGUF/missing.gguf: no file missing.gguf in acme/tiny-GGUF; it has ");
        assertThat(Files.exists(cache.root())).isFalse();
    }

    @Test
    void aFullDiskSaysSoKeepsOnlyThePartAndResumesOnceThereIsRoom() throws IOException {
        // a quota of 64 KiB over every byte the pull writes under the cache: a real FileChannel under a
        // wrapper that fails as a full disk does (ENOSPC's message), after writing what fits
        AtomicLong room = new AtomicLong(64 * 1024);
        HfHub.FileOpener quota = file -> {
            WritableByteChannel ch = HfHub.FileOpener.DEFAULT.append(file);
            return new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) throws IOException {
                    int n = (int) Math.min(src.remaining(), room.get());
                    if (n == 0) {
                        throw new IOException("No space left on device");
                    }
                    ByteBuffer part = src.slice(src.position(), n);
                    int written = ch.write(part);
                    src.position(src.position() + written);
                    room.addAndGet(-written);
                    return written;
                }

                @Override
                public boolean isOpen() {
                    return ch.isOpen();
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        };
        HfName name = HfName.parse("hf:acme/tiny-GGUF:Q4_K_M");
        HfHub full = new HfHub(new HfHub.Options(hub.endpoint(), Optional.empty(), cache, quota));
        assertThatThrownBy(() -> full.pull(name, HfHub.Progress.NONE))
                .hasMessage("hf:acme/tiny-GGUF:Q4_K_M: tiny-Q4_K_M.gguf: no space left on the disk of " + cache.root()
                        + "; free some (or set HF_HOME to a larger disk) and run the same jllm pull again to resume");
        String sha = FakeHub.sha256(q4km);
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(sha + ".incomplete");
        assertThat(Files.size(repoDir("acme/tiny-GGUF").resolve("blobs").resolve(sha + ".incomplete"))).isEqualTo(64 * 1024);
        assertThat(cache.find(name)).isEmpty();

        hub.log.clear();
        HfHub.Pulled p = client().pull(name, HfHub.Progress.NONE);
        assertThat(hub.cdnRequests()).containsExactly("GET /cdn/" + sha + " bytes=65536-");
        assertThat(Files.readAllBytes(p.path())).isEqualTo(q4km);
    }

    @Test
    void aFileInThePythonLayoutIsUsedWithoutAnyRequest() throws IOException {
        // as huggingface_hub leaves it: blob by sha256, relative link from the snapshot, refs/main
        Path repo = cache.root().resolve("models--someone--py-GGUF");
        String sha = FakeHub.sha256(q8);
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha), q8);
        Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        Files.createSymbolicLink(snap.resolve("py-Q8_0.gguf"), Path.of("../../blobs/" + sha));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);

        HfHub.Pulled p = client().pull(HfName.parse("hf:someone/py-GGUF:Q8_0"), HfHub.Progress.NONE);
        assertThat(p.alreadyCached()).isTrue();
        assertThat(p.path()).isEqualTo(snap.resolve("py-Q8_0.gguf"));
        assertThat(hub.log).isEmpty();
        assertThat(cache.list()).extracting(e -> e.name().toString(), HfCache.Entry::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("hf:someone/py-GGUF:Q8_0", (long) q8.length));
    }

    @Test
    void concurrentPullsOfOneFileDownloadItOnce() throws Exception {
        hub.slowMillisPerChunk = 5;
        HfName name = HfName.parse("hf:acme/tiny-GGUF:Q4_K_M");
        List<Future<HfHub.Pulled>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> client().pull(name, HfHub.Progress.NONE)));
            }
        }
        long downloaded = 0;
        for (Future<HfHub.Pulled> r : results) {
            assertThat(Files.readAllBytes(r.get().path())).isEqualTo(q4km);
            downloaded += r.get().downloadedBytes();
        }
        assertThat(hub.cdnRequests()).hasSize(1);
        assertThat(downloaded).isEqualTo(q4km.length);
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(FakeHub.sha256(q4km));
    }

    /** Two processes pulling one file: the file lock makes the second wait and reuse the blob the first wrote. */
    @Test
    void aPullInAnotherProcessWaitsAndReusesTheBlob() throws Exception {
        hub.slowMillisPerChunk = 20;
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), PullChild.class.getName(),
                hub.endpoint().toString(), cache.root().toString(), "hf:acme/tiny-GGUF:Q4_K_M")
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (hub.cdnRequests().isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10); // until the child is downloading: then this pull must wait for its lock
        }
        HfHub.Pulled here = client().pull(HfName.parse("hf:acme/tiny-GGUF:Q4_K_M"), HfHub.Progress.NONE);
        assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the child pull ended").isTrue();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(out).isZero();
        long there = Long.parseLong(out.lines().filter(l -> l.startsWith("downloaded=")).findFirst().orElseThrow().substring(11));
        assertThat(Files.readAllBytes(here.path())).isEqualTo(q4km);
        assertThat(Files.readAllBytes(Path.of(out.lines().toList().getLast()))).isEqualTo(q4km);
        assertThat(there).as("the child fetched the file").isEqualTo(q4km.length);
        assertThat(here.downloadedBytes()).as("this process waited and fetched nothing").isZero();
        assertThat(hub.cdnRequests()).hasSize(1);
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(FakeHub.sha256(q4km));
    }

    @Test
    void rmDeletesTheLinkAndTheBlobsNoOtherLinkUses() throws IOException {
        HfHub c = client();
        c.pull(HfName.parse("hf:acme/tiny-GGUF:Q8_0"), HfHub.Progress.NONE);
        c.pull(HfName.parse("hf:acme/tiny-GGUF:Q4_K"), HfHub.Progress.NONE);
        assertThat(cache.list()).extracting(e -> e.name().toString()).containsExactly("hf:acme/tiny-GGUF:Q4_K", "hf:acme/tiny-GGUF:Q8_0");

        assertThat(cache.remove(HfName.parse("hf:acme/tiny-GGUF:Q8_0"))).isEqualTo(q8.length);
        assertThat(blobs("acme/tiny-GGUF")).containsExactly(FakeHub.sha256(q4k));
        assertThat(cache.list()).extracting(e -> e.name().toString()).containsExactly("hf:acme/tiny-GGUF:Q4_K");
        assertThatThrownBy(() -> cache.remove(HfName.parse("hf:acme/tiny-GGUF:Q8_0")))
                .hasMessage("hf:acme/tiny-GGUF:Q8_0 is not in the cache (" + cache.root() + "); jllm list shows what is");

        cache.remove(HfName.parse("hf:acme/tiny-GGUF:Q4_K"));
        assertThat(Files.exists(repoDir("acme/tiny-GGUF"))).isFalse();
    }

    @Test
    void namesParseAndMalformedOnesShowTheForms() {
        assertThat(HfName.parse("hf:a/b:Q4_K_M")).isEqualTo(new HfName("a/b", Optional.of("Q4_K_M"), Optional.empty()));
        assertThat(HfName.parse("hf:a/b/sub/x.gguf")).isEqualTo(new HfName("a/b", Optional.empty(), Optional.of("sub/x.gguf")));
        assertThat(HfName.parse("hf:a/b").folderName()).isEqualTo("models--a--b");
        assertThat(HfName.quantOf("Qwen2.5-0.5B-Instruct-Q4_K_M.gguf")).isEqualTo("Q4_K_M");
        assertThat(HfName.quantOf("model.IQ4_XS.gguf")).isEqualTo("IQ4_XS");
        assertThat(HfName.quantOf("big-Q8_0-00001-of-00002.gguf")).isEqualTo("Q8_0");
        assertThatThrownBy(() -> HfName.parse("hf:justone"))
                .hasMessage("not a model name: hf:justone (no OWNER/REPO); the forms are hf:OWNER/REPO, hf:OWNER/REPO:QUANT and hf:OWNER/REPO/FILE");
        assertThatThrownBy(() -> HfName.parse("hf:a/b/../../etc/passwd")).hasMessageContaining("not a file path in the repository");
    }

    @Test
    void theCacheFolderFollowsTheEnvironmentAsHuggingfaceHubDoes() {
        assertThat(HfCache.rootFrom(Map.of("HF_HUB_CACHE", "/c", "HF_HOME", "/h"))).isEqualTo(Path.of("/c"));
        assertThat(HfCache.rootFrom(Map.of("HF_HOME", "/h"))).isEqualTo(Path.of("/h/hub"));
        assertThat(HfCache.rootFrom(Map.of("XDG_CACHE_HOME", "/x"))).isEqualTo(Path.of("/x/huggingface/hub"));
        assertThat(HfCache.rootFrom(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".cache/huggingface/hub"));
        HfHub.Options o = HfHub.Options.fromEnvironment(Map.of("HF_ENDPOINT", "http://mirror.local:8080/", "HF_TOKEN", " t "));
        assertThat(o.endpoint().toString()).isEqualTo("http://mirror.local:8080");
        assertThat(o.token()).contains("t");
        assertThat(HfHub.Options.fromEnvironment(Map.of()).endpoint().toString()).isEqualTo("https://huggingface.co");
    }
}
