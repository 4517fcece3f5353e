package jllm.model.mamba;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;

/**
 * Hyperparameters of the mamba architecture, read from {@code mamba.*} keys as llama.cpp's converter
 * writes them. A Mamba model has no attention: heads are 0 and {@link ModelInfo#kvDim()} is 0.
 *
 * @param info         the common hyperparameters (dim, numLayers, vocabSize, contextLength, normEps)
 * @param convKernel   the causal convolution's width, d_conv ({@code ssm.conv_kernel})
 * @param innerSize    channels of the mixer, d_inner ({@code ssm.inner_size})
 * @param stateSize    SSM state per channel, d_state ({@code ssm.state_size})
 * @param timeStepRank rank of the time-step projection, dt_rank ({@code ssm.time_step_rank})
 */
public record MambaConfig(ModelInfo info, int convKernel, int innerSize, int stateSize, int timeStepRank) {

    /** Reads {@code mamba.*} keys; the vocabulary size comes from the embedding table. */
    public static MambaConfig from(ModelSource source) {
        HyperParams p = new HyperParams(source.metadata(), "mamba");
        if (source.metadata().bool("mamba.ssm.dt_b_c_rms").orElse(false)) {
            throw source.metadata().error("mamba.ssm.dt_b_c_rms", "RMS-normalized dt, B and C (Falcon Mamba) are not supported");
        }
        long vocab = source.tensor(TensorName.TOKEN_EMBD.global()).rows();
        if (vocab > Integer.MAX_VALUE) {
            throw source.metadata().error(TensorName.TOKEN_EMBD.global(), "vocabulary of " + vocab + " rows is too large");
        }
        ModelInfo info = new ModelInfo("mamba", p.positive("embedding_length"), 0, p.positive("block_count"), 0, 0, 0,
                (int) vocab, p.positive("context_length", 1 << 20), p.number("attention.layer_norm_rms_epsilon", 1e-5f), 0f);
        return new MambaConfig(info, p.positive("ssm.conv_kernel"), p.positive("ssm.inner_size"),
                p.positive("ssm.state_size"), p.positive("ssm.time_step_rank"));
    }

    /** Floats of recurrent state per layer: the last convKernel - 1 inputs and the SSM state of every channel. */
    public int stateWidth() {
        return (convKernel - 1) * innerSize + innerSize * stateSize;
    }

    /** Width of x_proj's output: dt (low rank), B and C. */
    int dbcWidth() {
        return timeStepRank + 2 * stateSize;
    }
}
