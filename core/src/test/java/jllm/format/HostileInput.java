package jllm.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;

/**
 * Runs a reader on hostile input and checks how it fails: with a {@link ModelFormatException} (no
 * other exception, no error) whose message names the file and a field, after allocating no more than
 * a small budget proportional to the input's size. Tests using it are tagged {@value #TAG} and run in
 * a JVM with a 256 MiB heap (see core/pom.xml), so an attempt to allocate what a header declares
 * instead of what the file holds fails loudly even where the budget cannot be measured.
 */
public final class HostileInput {
    /** JUnit tag of the tests that feed hostile input; surefire runs them under a small heap. */
    public static final String TAG = "hostile";

    private static final com.sun.management.ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() ? t : null;

    private HostileInput() {
    }

    /** Bytes a reader may allocate for an input of {@code size} bytes. */
    public static long budget(long size) {
        return (4L << 20) + 16 * size;
    }

    /** Something that reads an input and should refuse it. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /**
     * Asserts that {@code read} throws a ModelFormatException naming {@code file} and a field, within
     * the allocation budget for {@code size} bytes; returns it for further checks.
     */
    public static ModelFormatException assertRefused(String file, long size, Read read) {
        long before = allocated();
        Throwable thrown = null;
        try {
            read.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long used = allocated() - before;
        if (thrown == null) {
            fail(file + " (" + size + " bytes) was accepted, expected a ModelFormatException");
        }
        if (!(thrown instanceof ModelFormatException e)) {
            throw new AssertionError(file + " (" + size + " bytes): expected a ModelFormatException, got " + thrown, thrown);
        }
        assertThat(e.file()).as("file named in: %s", e.getMessage()).isEqualTo(file);
        assertThat(e.field()).as("field named in: %s", e.getMessage()).isNotBlank();
        assertThat(e.getMessage()).startsWith(file + ": ").contains(e.field());
        if (before >= 0) {
            assertThat(used).as("bytes allocated refusing %s (%d bytes): %s", file, size, e.getMessage())
                    .isLessThanOrEqualTo(budget(size));
        }
        return e;
    }

    private static long allocated() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }
}
