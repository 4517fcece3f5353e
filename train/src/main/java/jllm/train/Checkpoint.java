package jllm.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Saves and restores everything a run needs to continue exactly: the step count, every parameter, and
 * AdamW's moments (batches depend only on seed and step, so nothing else is needed). Written to a
 * temporary file and moved into place, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {
    private static final long MAGIC = 0x4A4C4C4D434B5054L; // "JLLMCKPT"
    private static final int VERSION = 1;

    private Checkpoint() {
    }

    /** Writes the trainer's state. */
    public static void save(Path path, LlamaParams params, AdamW optimizer) {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(optimizer.steps());
            List<Param> all = params.all();
            out.writeInt(all.size());
            for (int i = 0; i < all.size(); i++) {
                Param p = all.get(i);
                out.writeUTF(p.name());
                out.writeInt(p.size());
                writeFloats(out, p.value());
                writeFloats(out, optimizer.firstMoments()[i]);
                writeFloats(out, optimizer.secondMoments()[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("moving checkpoint into " + path + ": " + e.getMessage(), e);
        }
    }

    /** Restores a state written by {@link #save} into parameters of the same shape; returns the step. */
    public static int load(Path path, LlamaParams params, AdamW optimizer) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            if (in.readLong() != MAGIC || in.readInt() != VERSION) {
                throw new IllegalArgumentException(path + " is not a jllm checkpoint (version " + VERSION + ")");
            }
            int step = in.readInt();
            List<Param> all = params.all();
            int n = in.readInt();
            if (n != all.size()) {
                throw new IllegalArgumentException(path + ": " + n + " tensors, the model has " + all.size());
            }
            for (int i = 0; i < n; i++) {
                Param p = all.get(i);
                String name = in.readUTF();
                int size = in.readInt();
                if (!name.equals(p.name()) || size != p.size()) {
                    throw new IllegalArgumentException(path + ": tensor " + name + " (" + size + " values) does not match "
                            + p.name() + " (" + p.size() + ")");
                }
                readFloats(in, p.value());
                readFloats(in, optimizer.firstMoments()[i]);
                readFloats(in, optimizer.secondMoments()[i]);
            }
            optimizer.restoreSteps(step);
            return step;
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] x) throws IOException {
        for (float v : x) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }

    private static void readFloats(DataInputStream in, float[] x) throws IOException {
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(in.readInt());
        }
    }
}
