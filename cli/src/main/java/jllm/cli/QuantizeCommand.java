package jllm.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.format.gguf.GgufWriter;
import jllm.kernel.Quantizer;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm quantize IN.gguf OUT.gguf TYPE}: re-encodes every 2-D weight in TYPE with ggml's
 * reference quantizers (as {@code llama-quantize --pure}); 1-D tensors (norms) stay as they are, and a
 * weight whose rows are not whole blocks of TYPE falls back to F16, as llama.cpp's converters do.
 */
@Command(name = "quantize", description = "Quantize a GGUF model: every 2-D weight to TYPE (as llama-quantize --pure). Types: F32, F16, BF16, Q8_0, Q4_0.")
final class QuantizeCommand implements Callable<Integer> {
    /** llama.cpp's {@code llama_ftype} numbers for {@code general.file_type}. */
    private static final Map<GgmlType, Integer> FILE_TYPE = Map.of(GgmlType.F32, 0, GgmlType.F16, 1,
            GgmlType.Q4_0, 2, GgmlType.Q8_0, 7, GgmlType.BF16, 32);

    @Parameters(index = "0", paramLabel = "IN", description = "Input GGUF.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output GGUF.")
    Path out;

    @Parameters(index = "2", paramLabel = "TYPE", description = "Target type.")
    GgmlType type;

    @picocli.CommandLine.Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        if (!Quantizer.canWrite(type) || !FILE_TYPE.containsKey(type)) {
            throw new IllegalArgumentException("jllm cannot quantize to " + type + " yet (it writes " + FILE_TYPE.keySet() + ")");
        }
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input " + in);
        }
        long t0 = System.nanoTime();
        try (GgufFile src = GgufFile.open(in); Arena arena = Arena.ofConfined()) {
            GgufWriter.Builder w = GgufWriter.builder().putAll(src.metadata());
            w.putUInt32("general.file_type", FILE_TYPE.get(type));
            w.putUInt32("general.quantization_version", 2);
            long before = 0;
            long after = 0;
            for (GgufTensorInfo info : src.tensorInfos()) {
                Tensor t = src.tensor(info);
                Tensor q = t;
                if (info.shape().rank() >= 2) {
                    GgmlType target = Quantizer.fits(t, type) ? type : GgmlType.F16;
                    q = Quantizer.convert(t, target, arena);
                }
                before += t.data().byteSize();
                after += q.data().byteSize();
                w.addTensor(q);
            }
            w.write(out);
            System.err.printf("jllm: %s -> %s: %d tensors, %.2f MiB -> %.2f MiB in %.1f s%n", in.getFileName(), type,
                    src.tensorInfos().size(), before / 1048576.0, after / 1048576.0, (System.nanoTime() - t0) / 1e9);
        }
        Console.out().println(out);
        Console.out().flush();
        return 0;
    }
}
