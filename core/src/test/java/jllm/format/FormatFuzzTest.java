package jllm.format;

import java.lang.foreign.MemorySegment;

import com.code_intelligence.jazzer.junit.FuzzTest;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.format.llama2c.Llama2cCheckpoint;
import jllm.format.safetensors.SafetensorsFile;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz tests of the model-file readers on arbitrary bytes: the only exception a reader may throw is
 * {@link ModelFormatException} (malformed JSON included, wrapped into it); anything else, an error or
 * a hang fails.
 *
 * <p>In a normal build ({@code ./run-tests}) each {@code @FuzzTest} runs only its seed corpus,
 * {@code src/test/resources/jllm/format/FormatFuzzTestInputs/<method>/} (valid and truncated files), in
 * Jazzer's regression mode. To fuzz for real, one method at a time, with coverage guidance:
 * <pre>
 * JAZZER_FUZZ=1 ./run-tests -pl core -Dtest=FormatFuzzTest#gguf -Djazzer.max_duration=10m
 * </pre>
 * (without {@code -Djazzer.max_duration} each method fuzzes for its {@code maxDuration}). The corpus
 * grown while fuzzing goes to {@code core/.cifuzz-corpus/} (not to be committed); a finding is saved
 * as a crash file in the inputs folder, where it stays as a regression seed once fixed.
 */
@Tag(HostileInput.TAG)
class FormatFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void gguf(byte[] data) {
        try (GgufFile f = GgufFile.read("fuzz.gguf", MemorySegment.ofArray(data), ReadLimits.DEFAULT)) {
            for (GgufTensorInfo info : f.tensorInfos()) {
                Tensor t = f.tensor(info);
                touch(t);
            }
        } catch (ModelFormatException expected) {
            // the one allowed outcome besides success
        }
    }

    @FuzzTest(maxDuration = "30s")
    void safetensors(byte[] data) {
        try (SafetensorsFile f = SafetensorsFile.read("fuzz.safetensors", MemorySegment.ofArray(data),
                ReadLimits.DEFAULT)) {
            for (String name : f.tensorInfos().keySet()) {
                try {
                    touch(f.tensor(name));
                } catch (ModelFormatException unsupported) {
                    // unsupported dtype, empty or 5-D tensor: refused when used
                }
            }
        } catch (ModelFormatException expected) {
            // the one allowed outcome besides success
        }
    }

    @FuzzTest(maxDuration = "30s")
    void llama2c(byte[] data) {
        try (Llama2cCheckpoint c = Llama2cCheckpoint.read("fuzz.bin", MemorySegment.ofArray(data))) {
            c.tensors().values().forEach(FormatFuzzTest::touch);
        } catch (ModelFormatException expected) {
            // the one allowed outcome besides success
        }
    }

    /** Reads a tensor's first and last byte: a view past the end would throw here. */
    private static void touch(Tensor t) {
        long n = t.data().byteSize();
        if (n > 0) {
            t.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
            t.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, n - 1);
        }
    }
}
