package jllm.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.model.LoadedModel;

/** The small real models the server tests run, and a server over them on a free loopback port. */
final class TestServers {
    private TestServers() {
    }

    /** stories260K (trained, 512-token SPM vocabulary, no chat template: ChatML is used). */
    static LoadedModel stories() {
        Path p = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf");
        return LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 1));
    }

    /** A random-weight qwen2 of width 256 (byte-level BPE vocabulary). */
    static LoadedModel randQwen2() {
        Path p = SharedData.require("testdata/models/randqwen2-d256/randqwen2-d256-Q8_0.gguf");
        return LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 1));
    }

    /** The random-weight Mamba oracle folder (a recurrent state instead of a KV cache; ChatML template). */
    static LoadedModel mamba() {
        Path p = SharedData.require("testdata/hf-models/mamba-base");
        return LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 1));
    }

    static OpenAiServer start(ServerOptions options, ServedModel... models) {
        return OpenAiServer.start(List.of(models), options.withPort(0));
    }
}
