package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jllm.format.gguf.GgufFile;
import jllm.testing.SharedData;

/**
 * The tokenizer cache: a cached load gives the same ids as a fresh build on llama.cpp's vectors, and an
 * entry that is corrupt, truncated, stale or from another file is rejected and rebuilt; a folder that
 * cannot be written only means no cache.
 */
class TokenizerCacheTest {
    @TempDir
    Path tmp;

    /** A copy of a shared vocabulary (so its time stamp can change), in the test's folder. */
    private Path copy(String name) throws IOException {
        Path p = tmp.resolve("ggml-vocab-" + name + ".gguf");
        Files.copy(SharedData.require("testdata/tokenizer/ggml-vocab-" + name + ".gguf"), p, StandardCopyOption.REPLACE_EXISTING);
        return p;
    }

    private static BpeTokenizer load(Path gguf, TokenizerCache cache) {
        try (GgufFile f = GgufFile.open(gguf)) {
            return (BpeTokenizer) Tokenizers.fromGguf(f.metadata(), cache);
        }
    }

    private static Optional<int[]> entry(Path gguf, TokenizerCache cache) {
        try (GgufFile f = GgufFile.open(gguf)) {
            List<String> merges = f.metadata().stringArray("tokenizer.ggml.merges").orElseThrow();
            int n = f.metadata().stringArray("tokenizer.ggml.tokens").orElseThrow().size();
            return cache.readMerges(f.metadata(), n, merges.size());
        }
    }

    private static Path entryFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".bin")).toList();
            assertThat(files).hasSize(1);
            return files.get(0);
        }
    }

    /** Same table (every recorded pair, same rank and result) and same ids on every test vector. */
    private static void assertSame(BpeTokenizer a, BpeTokenizer b, int[] entries, String name) {
        assertThat(b.merges().size()).isEqualTo(a.merges().size());
        for (int i = 0; i < entries.length; i += 4) {
            assertThat(b.merges().get(entries[i], entries[i + 1])).isEqualTo(a.merges().get(entries[i], entries[i + 1]));
        }
        // the fresh build's ids are GgufVocabTest's; the other's must be the same
        assertThat(GgufVocabTest.vectors(name).mismatches(b)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "qwen2"})
    void cachedLoadMatchesFreshBuild(String name) throws IOException {
        Path gguf = copy(name);
        TokenizerCache cache = TokenizerCache.in(tmp.resolve("cache"));
        assertThat(entry(gguf, cache)).isEmpty();
        BpeTokenizer fresh = load(gguf, TokenizerCache.none());
        BpeTokenizer first = load(gguf, cache); // builds and writes
        int[] entries = entry(gguf, cache).orElseThrow();
        assertThat(entries.length / 4).isEqualTo(fresh.merges().size());
        Path file = entryFile(tmp.resolve("cache"));
        FileTime written = Files.getLastModifiedTime(file);
        BpeTokenizer cached = load(gguf, cache); // reads
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
        assertSame(fresh, first, entries, name);
        assertSame(fresh, cached, entries, name);
    }

    @Test
    void corruptTruncatedOrStaleEntriesAreRejectedAndRebuilt() throws IOException {
        Path gguf = copy("gpt-2");
        Path dir = tmp.resolve("cache");
        TokenizerCache cache = TokenizerCache.in(dir);
        BpeTokenizer fresh = load(gguf, TokenizerCache.none());
        load(gguf, cache);
        Path file = entryFile(dir);
        byte[] good = Files.readAllBytes(file);
        int[] entries = entry(gguf, cache).orElseThrow();

        // one id changed in the middle of the entry
        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x10;
        Files.write(file, flipped);
        assertThat(entry(gguf, cache)).as("corrupt").isEmpty();
        assertSame(fresh, load(gguf, cache), entries, "gpt-2");
        assertThat(Files.readAllBytes(file)).as("rebuilt").isEqualTo(good);

        // cut short, and empty
        for (int keep : new int[] {good.length - 1, 10}) {
            Files.write(file, java.util.Arrays.copyOf(good, keep));
            assertThat(entry(gguf, cache)).as("truncated to " + keep).isEmpty();
            assertSame(fresh, load(gguf, cache), entries, "gpt-2");
            assertThat(Files.readAllBytes(file)).isEqualTo(good);
        }

        // the model file changed since (its time stamp): stale
        Files.setLastModifiedTime(gguf, FileTime.fromMillis(Files.getLastModifiedTime(gguf).toMillis() - 60_000));
        assertThat(entry(gguf, cache)).as("stale").isEmpty();
        assertSame(fresh, load(gguf, cache), entries, "gpt-2");
        assertThat(entry(gguf, cache)).as("rewritten for the new time stamp").isPresent();
    }

    @Test
    void anEntryOfAnotherModelIsNotUsed() throws IOException {
        Path gpt2 = copy("gpt-2");
        Path qwen2 = copy("qwen2");
        Path dir = tmp.resolve("cache");
        TokenizerCache cache = TokenizerCache.in(dir);
        load(qwen2, cache);
        Path qwenEntry = entryFile(dir);
        load(gpt2, cache);
        Path gptEntry;
        try (Stream<Path> s = Files.list(dir)) {
            gptEntry = s.filter(p -> !p.equals(qwenEntry)).findFirst().orElseThrow();
        }
        // qwen2's entry under gpt-2's name: checked against gpt-2's file, it does not match
        Files.copy(qwenEntry, gptEntry, StandardCopyOption.REPLACE_EXISTING);
        assertThat(entry(gpt2, cache)).isEmpty();
        BpeTokenizer fresh = load(gpt2, TokenizerCache.none());
        BpeTokenizer again = load(gpt2, cache);
        assertSame(fresh, again, entry(gpt2, cache).orElseThrow(), "gpt-2");
    }

    @Test
    void aFolderThatCannotBeWrittenMeansNoCache() throws IOException {
        Path gguf = copy("gpt-2");
        Path notADir = Files.writeString(tmp.resolve("a-file"), "x");
        TokenizerCache cache = TokenizerCache.in(notADir.resolve("cache"));
        BpeTokenizer fresh = load(gguf, TokenizerCache.none());
        BpeTokenizer a = load(gguf, cache);
        BpeTokenizer b = load(gguf, cache);
        assertThat(entry(gguf, cache)).isEmpty();
        assertSame(fresh, a, new int[0], "gpt-2");
        assertSame(fresh, b, new int[0], "gpt-2");
    }
}
