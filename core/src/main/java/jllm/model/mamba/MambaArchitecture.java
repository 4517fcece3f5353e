package jllm.model.mamba;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.Family;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.RecurrentState;
import jllm.model.Transformer;
import jllm.model.blocks.Pass;

/**
 * The mamba architecture (Mamba 1, "Linear-Time Sequence Modeling with Selective State Spaces"): each
 * layer projects its pre-norm to x and a gate z, convolves x causally per channel, and runs a selective
 * scan whose step size dt and projections B and C depend on the input. No attention: a sequence's
 * memory is a {@link RecurrentState} of constant size instead of a growing KV cache.
 */
public final class MambaArchitecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("mamba", List.of("mamba"),
            source -> MambaConfig.from(source).info(),
            MambaArchitecture::details,
            MambaArchitecture::load, Optional.of(new MambaHf()));

    private MambaArchitecture() {
    }

    static Map<String, String> details(ModelSource source) {
        MambaConfig c = MambaConfig.from(source);
        long bytes = (long) c.info().numLayers() * c.stateWidth() * Float.BYTES;
        Map<String, String> d = new LinkedHashMap<>();
        d.put("ssm", "conv kernel " + c.convKernel() + ", inner size " + c.innerSize() + ", state size " + c.stateSize()
                + ", time-step rank " + c.timeStepRank());
        d.put("state", bytes + " bytes (F32) per sequence, constant in sequence length (no KV cache)");
        return d;
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        MambaConfig c = MambaConfig.from(source);
        MambaWeights w = MambaWeights.load(source, c, kernels);
        MambaMixer mixer = new MambaMixer(c, kernels);
        float eps = c.info().normEps();
        return new Transformer(w.stem(), (p, l) -> {
            MambaWeights.Layer b = w.layers()[l];
            // x and the gate z from the pre-norm: (n, 2 * innerSize)
            float[] xz = p.matmul(Pass.Slot.FUSED, b.in(), p.norm(b.norm(), eps));
            if (b.inBias() != null) {
                p.addBias(xz, b.inBias());
            }
            // causal depthwise convolution over the last convKernel inputs, then SiLU
            float[] x = mixer.convolve(p, l, xz, b);
            // dt (low rank), B and C from the convolved input
            float[] dbc = new float[p.n() * c.dbcWidth()];
            kernels.matmul(dbc, b.x(), x, p.n());
            // dt at full width, with its bias, through softplus
            float[] dt = mixer.timeSteps(p, dbc, b);
            // selective scan over the state, the D skip, gated by silu(z)
            float[] y = mixer.scan(p, l, x, dt, dbc, xz, b);
            // projected back to dim and added to the residual
            float[] out = p.matmul(Pass.Slot.OUT, b.out(), y);
            if (b.outBias() != null) {
                p.addBias(out, b.outBias());
            }
            p.add(out);
        }, kernels, (maxContext, type) -> new RecurrentState(c.info().numLayers(), c.stateWidth(), maxContext));
    }
}
