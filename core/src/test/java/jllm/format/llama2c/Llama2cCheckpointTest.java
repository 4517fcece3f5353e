package jllm.format.llama2c;

import static jllm.format.HostileInput.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jllm.testing.SharedData;
import jllm.format.HostileInput;
import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufFile;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Llama2cCheckpointTest {
    static final String NAME = "synthetic.bin";

    /** Every array of a checkpoint, in run.c's (legacy) order, each filled with one value naming it. */
    static final String[] LEGACY = {"token_embd", "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
            "ffn_norm", "ffn_gate", "ffn_down", "ffn_up", "output_norm"};
    /** export.py version 1's order. */
    static final String[] V1 = {"attn_norm", "ffn_norm", "output_norm", "token_embd", "attn_q", "attn_k", "attn_v",
            "attn_output", "ffn_gate", "ffn_down", "ffn_up"};
    static final List<String> PARTS = List.of(LEGACY);

    /** The value every element of part {@code part}, layer {@code layer} holds in synthetic files. */
    static float code(String part, int layer) {
        return part.equals("output") ? 999 : (PARTS.indexOf(part) + 1) * 100 + layer;
    }

    static long floatsOf(String part, Llama2cConfig c) {
        long dim = c.dim();
        long kv = c.kvDim();
        long h = c.hiddenDim();
        return switch (part) {
            case "token_embd", "output" -> dim * c.vocabSize();
            case "attn_norm", "ffn_norm", "output_norm" -> dim;
            case "attn_q", "attn_output" -> dim * dim;
            case "attn_k", "attn_v" -> dim * kv;
            case "ffn_gate", "ffn_down", "ffn_up" -> dim * h;
            default -> throw new IllegalArgumentException(part);
        };
    }

    /** Writes a checkpoint as llama2.c's export.py would (version 0 or 1). */
    static byte[] checkpoint(Llama2cConfig c, int version, boolean freqCis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(version == 0 ? 28 : 256).order(ByteOrder.LITTLE_ENDIAN);
        if (version != 0) {
            head.putInt(Llama2cCheckpoint.MAGIC).putInt(version);
        }
        head.putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.numLayers()).putInt(c.numHeads()).putInt(c.numKvHeads())
                .putInt(version == 0 && !c.sharedClassifier() ? -c.vocabSize() : c.vocabSize()).putInt(c.seqLen());
        if (version != 0) {
            head.put((byte) (c.sharedClassifier() ? 1 : 0));
        }
        out.writeBytes(head.array());
        for (String part : version == 0 ? LEGACY : V1) {
            boolean perLayer = !part.equals("token_embd") && !part.equals("output_norm");
            for (int l = 0; l < (perLayer ? c.numLayers() : 1); l++) {
                floats(out, floatsOf(part, c), code(part, l));
            }
        }
        if (freqCis) {
            floats(out, 2L * (c.seqLen() * c.headDim() / 2), -1);
        }
        if (!c.sharedClassifier()) {
            floats(out, floatsOf("output", c), code("output", 0));
        }
        return out.toByteArray();
    }

    static void floats(ByteArrayOutputStream out, long n, float v) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            b.putFloat(v);
        }
        out.writeBytes(b.array());
    }

    static Llama2cCheckpoint read(byte[] b) {
        return Llama2cCheckpoint.read(NAME, MemorySegment.ofArray(b));
    }

    static final Llama2cConfig SMALL = new Llama2cConfig(8, 12, 2, 4, 2, 10, 6, true);

    @ParameterizedTest
    @CsvSource({"0,true,true", "0,true,false", "0,false,true", "0,false,false", "1,true,false", "1,false,false"})
    void readsSyntheticCheckpointsInEveryLayout(int version, boolean shared, boolean freqCis) {
        Llama2cConfig c = new Llama2cConfig(8, 12, 3, 4, 2, 10, 6, shared);
        try (Llama2cCheckpoint ckpt = read(checkpoint(c, version, freqCis))) {
            assertThat(ckpt.config()).isEqualTo(c);
            assertThat(ckpt.version()).isEqualTo(version);
            Map<String, Tensor> t = ckpt.tensors();
            assertThat(t).hasSize(1 + 9 * 3 + 2);
            assertThat(List.copyOf(t.keySet())).startsWith("token_embd.weight", "blk.0.attn_norm.weight",
                    "blk.0.attn_q.weight").endsWith("output_norm.weight", "output.weight");
            assertThat(t.get("token_embd.weight").shape()).isEqualTo(Shape.of(8, 10));
            assertThat(t.get("blk.2.attn_q.weight").shape()).isEqualTo(Shape.of(8, 8));
            assertThat(t.get("blk.2.attn_k.weight").shape()).isEqualTo(Shape.of(8, 4));
            assertThat(t.get("blk.2.attn_v.weight").shape()).isEqualTo(Shape.of(8, 4));
            assertThat(t.get("blk.2.attn_output.weight").shape()).isEqualTo(Shape.of(8, 8));
            assertThat(t.get("blk.2.ffn_gate.weight").shape()).isEqualTo(Shape.of(8, 12));
            assertThat(t.get("blk.2.ffn_down.weight").shape()).isEqualTo(Shape.of(12, 8));
            assertThat(t.get("blk.2.ffn_up.weight").shape()).isEqualTo(Shape.of(8, 12));
            assertThat(t.get("blk.1.attn_norm.weight").shape()).isEqualTo(Shape.of(8));
            assertThat(t.get("output.weight").shape()).isEqualTo(Shape.of(8, 10));
            // every element of every view holds the value its array was written with
            for (Tensor x : t.values()) {
                assertThat(x.type()).isEqualTo(GgmlType.F32);
                String name = x.name();
                String part = name.startsWith("blk.") ? name.split("\\.")[2] : name.replace(".weight", "");
                int layer = name.startsWith("blk.") ? Integer.parseInt(name.split("\\.")[1]) : 0;
                assertThat(x.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED)).as(name).containsOnly(code(part, layer));
            }
            if (shared) {
                assertThat(t.get("output.weight")).isSameAs(t.get("token_embd.weight"));
            } else {
                assertThat(t.get("output.weight").name()).isEqualTo("output.weight");
            }
        }
    }

    /** llama.cpp converted stories260K.bin into stories260K-F32.gguf: every weight must agree exactly. */
    @Test
    void stories260kMatchesLlamaCppConversion() {
        Path bin = SharedData.require("data/models/stories260K/stories260K.bin");
        Path gguf = SharedData.require("testdata/models/stories260K/stories260K-F32.gguf");
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(bin); GgufFile g = GgufFile.open(gguf)) {
            assertThat(ckpt.config()).isEqualTo(new Llama2cConfig(64, 172, 5, 8, 4, 512, 512, true));
            assertThat(ckpt.version()).isZero();
            assertThat(ckpt.file()).isEqualTo(bin.toString());
            List<String> checked = new ArrayList<>();
            for (Tensor t : ckpt.tensors().values()) {
                if (!g.hasTensor(t.name())) {
                    continue;
                }
                Tensor ref = g.tensor(t.name());
                assertThat(t.shape()).as(t.name()).isEqualTo(ref.shape());
                assertThat(t.data().mismatch(ref.data())).as(t.name()).isEqualTo(-1);
                checked.add(t.name());
            }
            assertThat(checked).hasSize(g.tensorInfos().size());
        }
    }

    @Test
    void babyLlamaReads() {
        Path bin = SharedData.require("data/models/babyllama-105/model5000.bin");
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(bin)) {
            assertThat(ckpt.config()).isEqualTo(new Llama2cConfig(128, 352, 5, 8, 4, 105, 256, true));
            assertThat(ckpt.tensor("blk.4.ffn_down.weight").shape()).isEqualTo(Shape.of(352, 128));
            assertThat(ckpt.tensor("output.weight")).isSameAs(ckpt.tensor("token_embd.weight"));
            // norm weights of a trained model are near 1, not garbage
            float[] norm = ckpt.tensor("output_norm.weight").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            for (float v : norm) {
                assertThat(v).isBetween(0.01f, 20f);
            }
        }
    }

    // --- hostile headers -------------------------------------------------------------------------

    static byte[] header(int... h) {
        ByteBuffer b = ByteBuffer.allocate(28 + 64).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : h) {
            b.putInt(v);
        }
        return b.array();
    }

    static ModelFormatException refused(byte[] b) {
        return assertRefused(NAME, b.length, () -> read(b).close());
    }

    @Tag(HostileInput.TAG)
    @ParameterizedTest
    @CsvSource({
            "0,12,2,4,2,10,6,dim", "-8,12,2,4,2,10,6,dim", "8,0,2,4,2,10,6,hidden_dim", "8,12,-1,4,2,10,6,n_layers",
            "8,12,2,0,2,10,6,n_heads", "8,12,2,4,0,10,6,n_kv_heads", "8,12,2,4,2,0,6,vocab_size",
            "8,12,2,4,2,-2147483648,6,vocab_size", "8,12,2,4,2,10,0,seq_len", "8,12,2,4,2,10,-6,seq_len",
            "8,12,2,3,1,10,6,n_heads", "8,12,2,4,3,10,6,n_kv_heads", "8,12,2,4,8,10,6,n_kv_heads",
            "2147483647,2147483647,2147483647,1,1,2147483647,2147483647,header",
            "1073741824,1073741824,1073741824,1,1,-1073741824,1073741824,header",
            "65536,65536,1024,1,1,-65536,65536,file size",
            "8,12,2,4,2,10,6,file size"})
    void hostileHeaders(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen, String field) {
        ModelFormatException e = refused(header(dim, hidden, layers, heads, kvHeads, vocab, seqLen));
        assertThat(e.field()).isEqualTo(field);
    }

    @Tag(HostileInput.TAG)
    @Test
    void sizeMatchingNoLayoutNamesTheExpectedSizes() {
        byte[] good = checkpoint(SMALL, 0, true);
        byte[] noFreq = checkpoint(SMALL, 0, false);
        ModelFormatException e = refused(Arrays.copyOf(good, good.length + 4));
        assertThat(e.getMessage()).contains("a llama2.c size matching no layout", good.length + " bytes",
                noFreq.length + " bytes", "dim=8");
        // a positive vocab_size on a file laid out with a separate classifier: the message hints at it
        Llama2cConfig unshared = new Llama2cConfig(8, 12, 2, 4, 2, 10, 6, false);
        byte[] b = checkpoint(unshared, 0, true);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 10);
        assertThat(refused(b).getMessage()).contains("unshared classifier: is the classifier flag");
    }

    @Tag(HostileInput.TAG)
    @Test
    void everyTruncatedPrefixOfASmallCheckpoint() {
        for (int version = 0; version <= 1; version++) {
            byte[] full = checkpoint(SMALL, version, version == 0);
            long withoutFreq = checkpoint(SMALL, version, false).length;
            for (int n = 0; n < full.length; n++) {
                byte[] prefix = Arrays.copyOf(full, n);
                if (n == withoutFreq) {
                    read(prefix).close(); // a legacy file without the freq_cis tables is a layout of its own
                } else {
                    refused(prefix);
                }
            }
            read(full).close();
        }
    }

    @Tag(HostileInput.TAG)
    @Test
    void version2AndOthersAreRefusedClearly() {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN).putInt(Llama2cCheckpoint.MAGIC).putInt(2);
        assertThat(refused(b.array()).getMessage()).contains("version 2", "--version 1", "GGUF");
        b.putInt(4, 3);
        assertThat(refused(b.array()).field()).isEqualTo("version");
        b.putInt(4, 1).putInt(8, 8).putInt(12, 12).putInt(16, 2).putInt(20, 4).putInt(24, 2).putInt(28, 10).putInt(32, 6);
        b.put(36, (byte) 7);
        assertThat(refused(b.array()).field()).isEqualTo("shared_classifier");
        b.put(36, (byte) 1).putInt(28, -10);
        assertThat(refused(b.array()).field()).isEqualTo("vocab_size");
    }

    @Tag(HostileInput.TAG)
    @Test
    void aGgufFileIsRecognised() {
        byte[] b = header(0x46554747, 3, 0, 0, 0, 0, 0);
        assertThat(refused(b).getMessage()).contains("GGUF file");
    }
}
