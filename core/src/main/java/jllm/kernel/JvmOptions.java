package jllm.kernel;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JVM options jllm's kernels run best with, in one place: the launcher ({@code ./jllm}), the build's
 * test runs ({@code jvm.flags} in the root pom) and the examples use these (a test checks that they agree).
 *
 * <ul>
 *   <li>{@code --add-modules jdk.incubator.vector}: the SIMD kernels ({@code jllm.kernel.vector}). Without
 *       it everything still works on the scalar reference kernels (several times slower), and the first
 *       kernels made log one warning saying so.</li>
 *   <li>{@code --enable-native-access=ALL-UNNAMED}: lets the SQLite driver of the arena store load its
 *       native library without the JVM's warning (jllm itself calls no native code).</li>
 *   <li>{@code -XX:InlineSmallCode=16000 -XX:MaxInlineSize=200}: let the JIT inline the Vector API kernels
 *       into their callers; without them a recompiled caller can box vectors and run about 5x slower.</li>
 *   <li>{@code -XX:CompileCommand=CompileThresholdScaling,jllm.kernel.vector.*::*,0.01} and
 *       {@code -XX:CompileCommand=BackgroundCompilation,jllm.kernel.vector.*::*,false}: the first prompt.
 *       Vector API code that has not reached C2 runs through the API's Java fallbacks, about a hundred times
 *       slower, and those fallbacks, called from it, become the hottest methods and fill C2's queue ahead of
 *       the kernels (on two cores about 0.7 s of compiling before the first kernel). With these the vector
 *       kernels reach C2 after a few calls, and the thread that needs one waits for it instead of running
 *       it interpreted: the first token of {@code jllm run} on a 1B model comes 0.4-0.6 s sooner; decoding
 *       speed afterwards is unchanged (docs/performance.md).</li>
 *   <li>{@code -XX:CompileCommand=quiet}: keeps those two from printing a line each on standard output.</li>
 *   <li>{@code -XX:Tier4BackEdgeThreshold=1000000} (default 40000): C2 compiles a loop in the middle of a
 *       call (on-stack replacement) only after a million back-edges. On the first prompt C2 compiled the
 *       model's blocks, the loader's loops and the worker loop twice, for the loop a long first call was in
 *       and for the next call (27 such compilations on llama3-1b Q8_0, 10 with this option; the vector
 *       kernels, at a hundredth of the thresholds, keep theirs). The first token of {@code jllm run} on a
 *       1B model comes about 0.15 s sooner; decoding, prompt and tokenizer speeds are unchanged.</li>
 * </ul>
 *
 * <pre>{@code
 * java $(JvmOptions.FLAGS joined by spaces) -cp ... MyApp
 * ProcessBuilder pb = new ProcessBuilder(concat(List.of("java"), JvmOptions.FLAGS, List.of("-cp", cp, "MyApp")));
 * }</pre>
 */
public final class JvmOptions {
    /** The options, one command-line argument per element. */
    public static final List<String> FLAGS = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-XX:InlineSmallCode=16000", "-XX:MaxInlineSize=200",
            "-XX:CompileCommand=quiet", "-XX:CompileCommand=CompileThresholdScaling,jllm.kernel.vector.*::*,0.01",
            "-XX:CompileCommand=BackgroundCompilation,jllm.kernel.vector.*::*,false", "-XX:Tier4BackEdgeThreshold=1000000");

    private static final System.Logger LOG = System.getLogger(JvmOptions.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private JvmOptions() {
    }

    /** The options as one line, for a shell or {@code JAVA_TOOL_OPTIONS}. */
    public static String line() {
        return String.join(" ", FLAGS);
    }

    /** Prints {@link #line()}, for scripts: {@code java $(java -cp jllm-core.jar jllm.kernel.JvmOptions) -cp ... Main}. */
    public static void main(String[] args) {
        System.out.println(line());
    }

    /** Whether this JVM was started with the Vector API ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Logs, once per JVM, that the Vector API is missing and the scalar kernels run instead. */
    static void warnScalarFallback() {
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "jllm: the JVM was started without --add-modules jdk.incubator.vector, "
                    + "so the kernels run on the scalar reference code (several times slower). Start java with: " + line());
        }
    }
}
