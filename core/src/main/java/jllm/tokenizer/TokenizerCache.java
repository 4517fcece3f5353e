package jllm.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

import jllm.format.gguf.GgufMetadata;

/**
 * A folder of tokenizer tables derived from GGUF files, so that a model's second load skips building
 * them. What is kept: a byte-level BPE vocabulary's merges as token ids ({@code left, right, rank,
 * result} per merge, in file order), which otherwise take three text lookups per merge (llama3's 280k
 * merges: 0.2 s of a cold start, and a third of the JIT's early work).
 *
 * <p>An entry is named by the model's metadata hash and checked, before use, against the model file's
 * size and modification time, the CRC-32C of its header and key/value section (which holds the
 * vocabulary and merges), the vocabulary size and merge count, and a CRC-32C of the entry itself; every
 * id is range-checked. Anything that does not match is ignored and the entry rebuilt. A folder that
 * cannot be written is no error: the tables are then built on every load, as without a cache.
 *
 * <pre>{@code
 * Tokenizer t = Tokenizers.fromGguf(gguf.metadata(), TokenizerCache.inUserCacheFolder());
 * }</pre>
 */
public final class TokenizerCache {
    private static final long MAGIC = 0x314752_4d_4d4c4c4aL; // "JLLMMRG1" little-endian
    private static final int HEADER = 8 + 4 * 8 + 3 * 4;
    private static final TokenizerCache NONE = new TokenizerCache(null);

    private final Path dir;

    private TokenizerCache(Path dir) {
        this.dir = dir;
    }

    /** No cache: tables are built on every load. */
    public static TokenizerCache none() {
        return NONE;
    }

    /** A cache in {@code dir} (created when first written). */
    public static TokenizerCache in(Path dir) {
        return new TokenizerCache(dir);
    }

    /**
     * The user's cache folder: {@code $XDG_CACHE_HOME/jllm/tokenizers}, else
     * {@code ~/.cache/jllm/tokenizers}; no cache when neither is known.
     */
    public static TokenizerCache inUserCacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return in(Path.of(xdg, "jllm", "tokenizers"));
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? NONE : in(Path.of(home, ".cache", "jllm", "tokenizers"));
    }

    /** The folder, if this cache has one. */
    public Optional<Path> folder() {
        return Optional.ofNullable(dir);
    }

    /** What identifies the tables of one model file. */
    private record Key(long fileSize, long modified, long metadataHash, long metadataBytes, int vocabSize, int merges) {
        String fileName() {
            return String.format("merges-%08x-%x.bin", metadataHash, fileSize);
        }
    }

    private Optional<Key> key(GgufMetadata m, int vocabSize, int merges) {
        if (dir == null || m.contentHash().isEmpty()) {
            return Optional.empty();
        }
        try {
            Path file = Path.of(m.file());
            return Optional.of(new Key(Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                    m.contentHash().getAsLong(), m.storedBytes(), vocabSize, merges));
        } catch (IOException | RuntimeException e) { // the metadata does not name a readable file
            return Optional.empty();
        }
    }

    /**
     * The merges recorded for this model ({@code left, right, rank, result} per merge), or empty when
     * there is no entry or it does not match the file.
     */
    Optional<int[]> readMerges(GgufMetadata m, int vocabSize, int merges) {
        Optional<Key> key = key(m, vocabSize, merges);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        Path file = dir.resolve(key.get().fileName());
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            long size = Files.size(file);
            // at most four ints per merge: a larger entry is not ours, and is not read into memory
            if (size < HEADER + 4 || size > HEADER + 16L * merges + 4) {
                return Optional.empty();
            }
            return decode(Files.readAllBytes(file), key.get());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<int[]> decode(byte[] bytes, Key key) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
            return Optional.empty();
        }
        Key stored = new Key(b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getInt(40), b.getInt(44));
        int count = b.getInt(48);
        if (b.getLong(0) != MAGIC || !stored.equals(key) || count < 0 || count > key.merges()
                || bytes.length != HEADER + 16L * count + 4) {
            return Optional.empty();
        }
        int[] entries = new int[4 * count];
        b.position(HEADER);
        b.asIntBuffer().get(entries);
        for (int i = 0; i < entries.length; i += 4) {
            if (!inRange(entries[i], key.vocabSize()) || !inRange(entries[i + 1], key.vocabSize())
                    || !inRange(entries[i + 2], key.merges()) || !inRange(entries[i + 3], key.vocabSize())) {
                return Optional.empty();
            }
        }
        return Optional.of(entries);
    }

    private static boolean inRange(int v, int n) {
        return v >= 0 && v < n;
    }

    /** Records the merges of this model; a folder that cannot be written is skipped silently. */
    void writeMerges(GgufMetadata m, int vocabSize, int merges, int[] entries, int length) {
        Optional<Key> key = key(m, vocabSize, merges);
        if (key.isEmpty()) {
            return;
        }
        Key k = key.get();
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC).putLong(k.fileSize()).putLong(k.modified()).putLong(k.metadataHash()).putLong(k.metadataBytes())
                .putInt(k.vocabSize()).putInt(k.merges()).putInt(length / 4);
        b.asIntBuffer().put(Arrays.copyOf(entries, length));
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.capacity() - 4);
        b.putInt(b.capacity() - 4, (int) crc.getValue());
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // written aside and moved into place, so a reader never sees half an entry
            tmp = Files.createTempFile(dir, k.fileName(), ".tmp");
            Files.write(tmp, b.array());
            try {
                Files.move(tmp, dir.resolve(k.fileName()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(k.fileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            // read-only or full: no cache
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do
                }
            }
        }
    }

    @Override
    public String toString() {
        return dir == null ? "TokenizerCache[none]" : "TokenizerCache[" + dir + "]";
    }
}
