package jllm.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.format.gguf.GgufWriter;
import jllm.hub.HfCache;
import jllm.kernel.QuantMix;
import jllm.kernel.Quantizer;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm quantize IN.gguf OUT.gguf TYPE}: re-encodes the weights with ggml's reference quantizers.
 * A plain type puts every 2-D weight in that type (as {@code llama-quantize --pure}); the mixes Q4_K_M
 * and Q5_K_M follow llama.cpp's per-tensor rules ({@link QuantMix}). Norms stay as they are; a weight
 * whose rows are not whole blocks falls back as llama.cpp does (K types) or to F16.
 */
@Command(name = "quantize", description = "Quantize a GGUF model. TYPE: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, MXFP4 (every 2-D weight in TYPE, as llama-quantize --pure), or the mixes Q4_K_M, Q5_K_M.")
final class QuantizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "Input GGUF.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output GGUF.")
    Path out;

    @Parameters(index = "2", paramLabel = "TYPE", description = "Target type or mix.")
    String type;

    @picocli.CommandLine.Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        QuantMix mix = QuantMix.parse(type);
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input " + in);
        }
        long t0 = System.nanoTime();
        try (GgufFile src = GgufFile.open(HfCache.pulledOrSame(in)); Arena arena = Arena.ofConfined()) {
            GgufWriter.Builder w = GgufWriter.builder().putAll(src.metadata());
            w.putUInt32("general.file_type", mix.fileType());
            w.putUInt32("general.quantization_version", 2);
            long before = 0;
            long after = 0;
            List<QuantMix.Weight> weights = new ArrayList<>();
            for (GgufTensorInfo info : src.tensorInfos()) {
                weights.add(new QuantMix.Weight(info.name(), info.shape().rank(), src.tensor(info).cols()));
            }
            Map<String, GgmlType> plan = mix.plan(weights);
            for (GgufTensorInfo info : src.tensorInfos()) {
                Tensor t = src.tensor(info);
                GgmlType target = plan.get(info.name());
                Tensor q = target == null ? t : Quantizer.convert(t, target, arena);
                before += t.data().byteSize();
                after += q.data().byteSize();
                w.addTensor(q);
            }
            w.write(out);
            System.err.printf("jllm: %s -> %s: %d tensors, %.2f MiB -> %.2f MiB in %.1f s%n", in.getFileName(), mix.name(),
                    src.tensorInfos().size(), before / 1048576.0, after / 1048576.0, (System.nanoTime() - t0) / 1e9);
        }
        Console.out().println(out);
        Console.out().flush();
        return 0;
    }
}
