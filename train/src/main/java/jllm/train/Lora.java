package jllm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import jllm.format.gguf.GgufWriter;
import jllm.kernel.Dense;
import jllm.tensor.Shape;

/**
 * Low-rank adapters (LoRA, Hu et al. 2021) on chosen weight matrices: {@code W = W0 + (alpha/r)·B·A} with
 * A (r, in) and B (out, r); B starts at zero so training starts from the base model. Only A and B are
 * trained. The model's weights hold the merged {@code W} during training: {@link #merge} writes it before
 * a forward pass, and {@link #backward} turns the model's dL/dW into {@code dL/dB = s·dW·Aᵀ} and
 * {@code dL/dA = s·Bᵀ·dW}. Adapters are saved on their own (llama.cpp's LoRA GGUF layout) or merged.
 *
 * <pre>{@code
 * Lora lora = Lora.attach(params, new Lora.Settings(8, 16, Lora.ALL_MATRICES), seed);
 * lora.merge(dense); model.forward(...); model.backward(...); lora.backward(dense);
 * AdamW opt = new AdamW(lora.params(), settings);
 * }</pre>
 */
public final class Lora {

    /** Every attention and MLP matrix. */
    public static final Set<String> ALL_MATRICES = Set.of("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate",
            "ffn_up", "ffn_down");

    /**
     * @param rank    r
     * @param alpha   scale numerator (the update is scaled by alpha / r)
     * @param targets which matrices get adapters, by GGUF short name ("attn_q", "ffn_down", ...)
     */
    public record Settings(int rank, float alpha, Set<String> targets) {
    }

    private record Adapter(Param target, float[] base, Param a, Param b) {
    }

    private final Settings settings;
    private final float scale;
    private final List<Adapter> adapters = new ArrayList<>();

    private Lora(Settings settings) {
        this.settings = settings;
        this.scale = settings.alpha() / settings.rank();
    }

    /** Adds adapters to the targeted matrices of {@code params}; A is uniform in ±1/sqrt(in), B zero. */
    public static Lora attach(LlamaParams params, Settings settings, long seed) {
        Lora lora = new Lora(settings);
        Random rnd = new Random(seed);
        for (Param p : params.all()) {
            String[] parts = p.name().split("\\.");
            if (parts.length != 4 || !settings.targets().contains(parts[2])) {
                continue;
            }
            int r = settings.rank();
            Param a = Param.of(p.name() + ".lora_a", r, p.cols(), false);
            Param b = Param.of(p.name() + ".lora_b", p.rows(), r, false);
            double bound = 1 / Math.sqrt(p.cols());
            for (int i = 0; i < a.size(); i++) {
                a.value()[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            lora.adapters.add(new Adapter(p, p.value().clone(), a, b));
        }
        if (lora.adapters.isEmpty()) {
            throw new IllegalArgumentException("no matrix matches the LoRA targets " + settings.targets());
        }
        return lora;
    }

    /** The trainable adapter matrices (A then B per target). */
    public List<Param> params() {
        List<Param> out = new ArrayList<>();
        for (Adapter ad : adapters) {
            out.add(ad.a);
            out.add(ad.b);
        }
        return out;
    }

    /** Writes W0 + s·B·A into each target's values. */
    public void merge(Dense dense) {
        int r = settings.rank();
        for (Adapter ad : adapters) {
            Param t = ad.target;
            float[] bs = ad.b.value().clone();
            for (int i = 0; i < bs.length; i++) {
                bs[i] *= scale;
            }
            System.arraycopy(ad.base, 0, t.value(), 0, ad.base.length);
            dense.matmul(t.value(), bs, ad.a.value(), t.rows(), r, t.cols(), true);
        }
    }

    /** Sets the adapters' gradients from the targets' gradients (which the model's backward filled). */
    public void backward(Dense dense) {
        int r = settings.rank();
        for (Adapter ad : adapters) {
            Param t = ad.target;
            dense.matmulTransposedB(ad.b.grad(), t.grad(), ad.a.value(), t.rows(), t.cols(), r, false);
            dense.matmulTransposedA(ad.a.grad(), ad.b.value(), t.grad(), r, t.rows(), t.cols(), false);
            scaleInPlace(ad.b.grad(), scale);
            scaleInPlace(ad.a.grad(), scale);
        }
    }

    /** Number of adapter values. */
    public long count() {
        long n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Writes the adapters alone as a GGUF LoRA adapter as llama.cpp reads it: {@code general.type=adapter},
     * {@code adapter.type=lora}, {@code adapter.lora.alpha}, tensors {@code <target>.lora_a} (ne [in, r]) and
     * {@code <target>.lora_b} (ne [r, out]).
     */
    public void writeAdapter(Path path, String name) {
        GgufWriter.Builder b = GgufWriter.builder()
                .putString("general.architecture", "llama")
                .putString("general.type", "adapter")
                .putString("general.name", name)
                .putString("adapter.type", "lora")
                .putFloat32("adapter.lora.alpha", settings.alpha());
        for (Param p : params()) {
            b.addTensor(p.name(), Shape.of(p.cols(), p.rows()), p.value());
        }
        b.write(path);
    }

    private static void scaleInPlace(float[] x, float s) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= s;
        }
    }
}
