// One decoding step against the same token's matrix products alone (docs/performance.md, "The decoding
// step beyond its matmuls"). Decodes -Dtokens=N (128) tokens after a 5-token prompt and 32 warm-up tokens, then runs
// the same weights' products in file order (q/k/v and gate/up grouped as the model groups them, then the
// classifier) on random activations; prints both per token, five rounds.
//
// Usage (from the repository root, after a build):
//   java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmn64m -XX:InlineSmallCode=16000 \
//       -XX:MaxInlineSize=200 -Dthreads=2 -cp cli/target/jllm.jar scripts/StepGap.java MODEL.gguf
import java.nio.file.Path;
import java.util.*;
import jllm.kernel.Kernels;
import jllm.model.*;
import jllm.tensor.Tensor;

/** The step-vs-matmuls measurement. */
public class StepGap {
    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(System.getProperty("threads", "2"));
        int tokens = Integer.parseInt(System.getProperty("tokens", "128"));
        try (LoadedModel m = LoadedModel.open(Path.of(a[0]), new LoadedModel.Options(Optional.empty(), threads))) {
            LanguageModel model = m.model();
            Kernels k = m.kernels();
            ModelSource s = m.source();
            int layers = 0;
            while (s.tensors().containsKey("blk." + layers + ".attn_q.weight")) layers++;
            Tensor out = s.tensors().getOrDefault("output.weight", s.tensors().get("token_embd.weight"));
            for (int round = 0; round < 5; round++) {
                KvCache cache = model.newCache(1024);
                model.forward(cache, new int[] {1, 450, 4996, 2501, 263}, LanguageModel.Logits.LAST);
                int tok = 1000;
                for (int i = 0; i < 32; i++) { float[] lg = model.forward(cache, new int[] {tok}, LanguageModel.Logits.LAST); tok = 100 + (i * 7919) % 20000; }
                long t0 = System.nanoTime();
                for (int i = 0; i < tokens; i++) { model.forward(cache, new int[] {tok}, LanguageModel.Logits.LAST); tok = 100 + (i * 7919) % 20000; }
                long step = System.nanoTime() - t0;
                // the same token's matmuls, in file order
                Random r = new Random(1);
                int dim = (int) s.tensors().get("blk.0.attn_q.weight").cols();
                int hidden = (int) s.tensors().get("blk.0.ffn_down.weight").cols();
                float[] x = new float[dim]; for (int i = 0; i < dim; i++) x[i] = (float) r.nextGaussian();
                float[] h = new float[hidden]; for (int i = 0; i < hidden; i++) h[i] = (float) r.nextGaussian();
                Tensor[][] qkv = new Tensor[layers][], gu = new Tensor[layers][]; Tensor[] o = new Tensor[layers], d = new Tensor[layers];
                float[][][] qkvOut = new float[layers][][], guOut = new float[layers][][];
                for (int l = 0; l < layers; l++) {
                    String p = "blk." + l + ".";
                    qkv[l] = new Tensor[] {s.tensors().get(p + "attn_q.weight"), s.tensors().get(p + "attn_k.weight"), s.tensors().get(p + "attn_v.weight")};
                    gu[l] = new Tensor[] {s.tensors().get(p + "ffn_gate.weight"), s.tensors().get(p + "ffn_up.weight")};
                    o[l] = s.tensors().get(p + "attn_output.weight"); d[l] = s.tensors().get(p + "ffn_down.weight");
                    qkvOut[l] = new float[3][]; for (int j = 0; j < 3; j++) qkvOut[l][j] = new float[(int) qkv[l][j].rows()];
                    guOut[l] = new float[2][]; for (int j = 0; j < 2; j++) guOut[l][j] = new float[(int) gu[l][j].rows()];
                }
                float[] y = new float[dim], logits = new float[(int) out.rows()];
                long t1 = System.nanoTime();
                for (int i = 0; i < tokens; i++) {
                    for (int l = 0; l < layers; l++) {
                        k.matmul(qkvOut[l], qkv[l], x, 1);
                        k.matmul(y, o[l], x);
                        k.matmul(guOut[l], gu[l], x, 1);
                        k.matmul(y, d[l], h);
                    }
                    k.matmul(logits, out, x);
                }
                long mm = System.nanoTime() - t1;
                System.out.printf("%s threads %d: step %.2f ms/token, matmuls alone %.2f ms/token, gap %.2f ms (%.0f%%)%n",
                        Path.of(a[0]).getFileName(), threads, step / 1e6 / tokens, mm / 1e6 / tokens, (step - mm) / 1e6 / tokens, 100.0 * (step - mm) / step);
            }
        }
    }
}
