package jllm.train;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of token ids (little-endian int32, like nanoGPT's train.bin but 32-bit), written as a stream and
 * read memory-mapped, so a corpus larger than the heap trains.
 */
public final class TokenFile implements TokenSequence, AutoCloseable {
    private static final ValueLayout.OfInt LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Arena arena;
    private final MemorySegment data;

    private TokenFile(Arena arena, MemorySegment data) {
        this.arena = arena;
        this.data = data;
    }

    /** Maps a token file. */
    public static TokenFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() % 4 != 0) {
                throw new IllegalArgumentException(path + ": " + ch.size() + " bytes is not a whole number of int32 tokens");
            }
            return new TokenFile(arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("mapping " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public long length() {
        return data.byteSize() / 4;
    }

    @Override
    public int get(long i) {
        return data.get(LE, i * 4);
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Appends token ids to a file. */
    public static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private long count;

        public Writer(Path path) throws IOException {
            OutputStream os = Files.newOutputStream(path);
            this.out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
        }

        /** Appends ids. */
        public void write(int[] ids) throws IOException {
            for (int id : ids) {
                out.writeInt(Integer.reverseBytes(id));
            }
            count += ids.length;
        }

        /** Tokens written. */
        public long count() {
            return count;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
