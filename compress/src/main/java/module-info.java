/** Lossless compression with a language model: an arithmetic coder driven by the model's predictions. */
module jllm.compress {
    requires transitive jllm.core;

    exports jllm.compress;
    exports jllm.compress.coder;
}
