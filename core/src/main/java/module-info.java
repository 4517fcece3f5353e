/**
 * jllm's engine: file formats, tensors, kernels, tokenizers, model families and generation. No runtime
 * dependencies beyond the JDK.
 *
 * <p>Exported: the packages a program (or another jllm module) builds on. Not exported: the SIMD kernels
 * ({@code jllm.kernel.vector}), the model families' packages (reached through {@link jllm.model.Architectures}),
 * and the reference codecs and activation buffers of {@code jllm.kernel.scalar}. A few of those are exported to
 * the one jllm module that needs them, and to it only.
 *
 * <p>On the module path the JVM needs {@code --enable-native-access=jllm.core} (on the class path
 * {@code ALL-UNNAMED}); {@code jdk.incubator.vector} is resolved by the {@code requires} below, and the JVM says
 * once "Using incubator modules". {@link jllm.kernel.JvmOptions} lists the rest.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module jllm.core {
    requires jdk.incubator.vector;
    requires java.net.http;

    exports jllm.format;
    exports jllm.format.gguf;
    exports jllm.format.json;
    exports jllm.format.llama2c;
    exports jllm.format.safetensors;
    exports jllm.tensor;
    exports jllm.kernel;
    exports jllm.tokenizer;
    exports jllm.model;
    exports jllm.model.llama;
    exports jllm.generate;
    exports jllm.generate.grammar;
    exports jllm.generate.schema;
    exports jllm.generate.search;
    exports jllm.hub;

    // internals that one sibling module uses
    exports jllm.kernel.scalar to jllm.compress;
    exports jllm.model.blocks to jllm.train;
    exports jllm.model.hf to jllm.cli;
}
