package jllm.format.safetensors;

import static jllm.format.HostileInput.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jllm.format.HostileInput;
import jllm.format.ModelFormatException;
import jllm.format.ReadLimits;
import jllm.format.json.Json;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsFileTest {
    static final String NAME = "test.safetensors";

    static SafetensorsFile read(byte[] b) {
        return SafetensorsFile.read(NAME, MemorySegment.ofArray(b), ReadLimits.DEFAULT);
    }

    static byte[] small() {
        byte[] f16 = new byte[2 * 6];
        byte[] bf16 = new byte[2 * 4];
        for (int i = 0; i < f16.length; i++) {
            f16[i] = (byte) i;
        }
        Arrays.fill(bf16, (byte) 0x3f);
        return new SafetensorsBytes()
                .metadata(Map.of("format", "pt"))
                .addF32("model.embed_tokens.weight", new long[]{2, 3}, 1, 2, 3, 4, 5, 6)
                .add("model.layers.0.self_attn.q_proj.weight", "F16", new long[]{3, 2}, f16)
                .add("model.norm.weight", "BF16", new long[]{4}, bf16)
                .add("mask", "U8", new long[]{5}, new byte[]{1, 0, 1, 0, 1})
                .addF32("scale", new long[]{}, 0.5f)
                .add("empty", "F32", new long[]{0, 4}, new byte[0])
                .addF32("five.d", new long[]{1, 1, 1, 1, 2}, 7, 8)
                .bytes();
    }

    @Test
    void readsTensorsMetadataAndShapesInGgmlOrder() {
        try (SafetensorsFile f = read(small())) {
            assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(f.tensorInfos().keySet()).containsExactly("model.embed_tokens.weight",
                    "model.layers.0.self_attn.q_proj.weight", "model.norm.weight", "mask", "scale", "empty", "five.d");
            Tensor e = f.tensor("model.embed_tokens.weight");
            assertThat(e.type()).isEqualTo(GgmlType.F32);
            assertThat(e.shape()).isEqualTo(Shape.of(3, 2)); // [rows=2, cols=3] -> ne=[3, 2]
            assertThat(e.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED)).containsExactly(1, 2, 3, 4, 5, 6);
            Tensor q = f.tensor("model.layers.0.self_attn.q_proj.weight");
            assertThat(q.type()).isEqualTo(GgmlType.F16);
            assertThat(q.shape()).isEqualTo(Shape.of(2, 3));
            assertThat(q.data().toArray(ValueLayout.JAVA_BYTE)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            assertThat(f.tensor("model.norm.weight").type()).isEqualTo(GgmlType.BF16);
            assertThat(f.tensor("scale").shape()).isEqualTo(Shape.of(1));
            assertThat(f.tensorInfos().get("mask").ggmlType()).isEmpty();
            assertThat(f.tensorInfos().get("mask").shape()).containsExactly(5L);
            assertThat(f.tensors()).hasSize(7).containsKey("mask");
        }
    }

    @Test
    void unsupportedTensorsFailOnlyWhenUsed() {
        try (SafetensorsFile f = read(small())) {
            assertThatThrownBy(() -> f.tensor("mask")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("mask").hasMessageContaining("unsupported dtype U8");
            assertThatThrownBy(() -> f.tensors().get("mask")).hasMessageContaining("unsupported dtype");
            assertThatThrownBy(() -> f.tensor("empty")).hasMessageContaining("no elements");
            assertThatThrownBy(() -> f.tensor("five.d")).hasMessageContaining("4 dimensions");
            assertThatThrownBy(() -> f.tensor("absent")).hasMessageContaining("not found");
            assertThat(f.tensors().get("absent")).isNull();
        }
    }

    @Test
    void opensAFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("model.safetensors");
        Files.write(p, small());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.file()).isEqualTo(p.toString());
            assertThat(f.tensor("model.embed_tokens.weight").data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 5))
                    .isEqualTo(6f);
        }
    }

    /** A header length of 640 begins with the bytes 0x80 0x02, like a pickle: it must still read. */
    @Test
    void headerLengthThatLooksLikeAPickleProtocol() {
        StringBuilder h = new StringBuilder("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        while (h.length() < 640) {
            h.append(' ');
        }
        byte[] b = SafetensorsBytes.raw(h.toString(), new byte[4]);
        assertThat(b[0] & 0xFF).isEqualTo(0x80);
        assertThat(b[1]).isEqualTo((byte) 2);
        try (SafetensorsFile f = read(b)) {
            assertThat(f.tensor("t").shape()).isEqualTo(Shape.of(1));
        }
    }

    // --- hostile input ---------------------------------------------------------------------------

    static ModelFormatException refused(byte[] b) {
        return assertRefused(NAME, b.length, () -> read(b).close());
    }

    static ModelFormatException refusedHeader(String header, int dataBytes) {
        return refused(SafetensorsBytes.raw(header, new byte[dataBytes]));
    }

    @Tag(HostileInput.TAG)
    @Test
    void everyTruncatedPrefix() {
        byte[] full = small();
        for (int n = 0; n < full.length; n++) {
            refused(Arrays.copyOf(full, n));
        }
    }

    @Tag(HostileInput.TAG)
    @ParameterizedTest
    @ValueSource(longs = {-1L, Long.MIN_VALUE, 1L << 62, 1000, 81})
    void headerLengthBeyondTheFile(long length) {
        byte[] b = SafetensorsBytes.raw(length, "{}".getBytes(StandardCharsets.UTF_8), new byte[70]);
        assertThat(refused(b).field()).isEqualTo("header length");
    }

    @Tag(HostileInput.TAG)
    @Test
    void headerLengthOverTheLimit() {
        ReadLimits tight = new ReadLimits(1 << 20, 1 << 20, 16, 1 << 20, 1 << 20, 16);
        byte[] b = new SafetensorsBytes().addF32("t", new long[]{1}, 1).bytes();
        ModelFormatException e = assertRefused(NAME, b.length,
                () -> SafetensorsFile.read(NAME, MemorySegment.ofArray(b), tight).close());
        assertThat(e.getMessage()).contains("limit");
    }

    @Tag(HostileInput.TAG)
    @Test
    void malformedHeaders() {
        assertThat(refusedHeader("", 0).field()).isEqualTo("header");
        assertThat(refusedHeader("[1, 2]", 0).field()).isEqualTo("header");
        assertThat(refusedHeader("{\"a\": 1,}", 0).field()).isEqualTo("header");
        assertThat(refused(SafetensorsBytes.raw(4, new byte[]{'{', (byte) 0xC3, '}', ' '}, new byte[0])).getMessage())
                .contains("UTF-8");
        String t = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertThat(refusedHeader("{\"t\":" + t + ",\"t\":" + t + "}", 4).getMessage()).contains("duplicate key");
        assertThat(refusedHeader("{\"t\": 3}", 4).field()).isEqualTo("t");
        assertThat(refusedHeader("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4).field()).isEqualTo("t.dtype");
        assertThat(refusedHeader("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4).field()).isEqualTo("t.shape");
        assertThat(refusedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4).field())
                .isEqualTo("t.shape");
        assertThat(refusedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4).field())
                .isEqualTo("t.shape");
        assertThat(refusedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],"
                + "\"data_offsets\":[0,4]}}", 4).field()).isEqualTo("t.shape");
        assertThat(refusedHeader("{\"__metadata__\":{\"a\":1}}", 0).field()).isEqualTo("__metadata__.a");
        assertThat(refusedHeader("{\"__metadata__\":[]}", 0).field()).isEqualTo("__metadata__");
    }

    @Tag(HostileInput.TAG)
    @ParameterizedTest
    @ValueSource(strings = {"[0,8]", "[4,0]", "[-4,4]", "[0]", "[0,4,8]", "[0.0,4]", "[0,1e3]", "[0,\"4\"]",
            "[0,18446744073709551615]", "[9223372036854775807,9223372036854775807]", "null"})
    void badDataOffsets(String offsets) {
        ModelFormatException e = refusedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":" + offsets
                + "}}", 4);
        assertThat(e.field()).isEqualTo("t.data_offsets");
    }

    @Tag(HostileInput.TAG)
    @Test
    void shapeAndSizeMismatch() {
        assertThat(refusedHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8).getMessage())
                .contains("does not match F32 [2] (8 bytes)");
        assertThat(refusedHeader("{\"t\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 8).getMessage())
                .contains("impossible size");
        // an unknown dtype cannot be sized: only its bounds are checked, and using it fails
        try (SafetensorsFile f = read(SafetensorsBytes.raw(
                "{\"t\":{\"dtype\":\"Q9_Z\",\"shape\":[2],\"data_offsets\":[0,3]}}", new byte[4]))) {
            assertThatThrownBy(() -> f.tensor("t")).hasMessageContaining("unsupported dtype Q9_Z");
        }
    }

    @Tag(HostileInput.TAG)
    @Test
    void overlappingTensors() {
        ModelFormatException e = refusedHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertThat(e.field()).isEqualTo("b.data_offsets");
        assertThat(e.getMessage()).contains("overlaps tensor a");
    }

    @Tag(HostileInput.TAG)
    @Test
    void nesting10000DeepIsRefusedWithoutStackOverflow() {
        String arrays = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(refusedHeader("{\"t\":" + arrays + "}", 0).getMessage()).contains("nesting deeper");
        String objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThat(refusedHeader(objects, 0).getMessage()).contains("nesting deeper");
        // and Json itself, outside any file
        assertThatThrownBy(() -> Json.parse(arrays, "deep.json"))
                .isInstanceOf(jllm.format.json.JsonException.class).hasMessageContaining("nesting deeper");
    }

    @Tag(HostileInput.TAG)
    @Test
    void pytorchCheckpointsAreRefused() {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0};
        assertThat(refused(zip).getMessage()).contains("convert it to safetensors");
        for (int protocol = 2; protocol <= 5; protocol++) {
            byte[] pickle = {(byte) 0x80, (byte) protocol, '}', 'q', 0, '(', 'X', 1, 0, 0, 0, 'a'};
            assertThat(refused(pickle).getMessage()).contains("convert it to safetensors");
        }
    }

    @Tag(HostileInput.TAG)
    @Test
    void missingFileIsAModelFormatException(@TempDir Path dir) {
        Path p = dir.resolve("none.safetensors");
        assertRefused(p.toString(), 0, () -> SafetensorsFile.open(p).close());
    }

    @Test
    void infoRecordListsShapeInFileOrder() {
        try (SafetensorsFile f = read(small())) {
            SafetensorsTensorInfo i = f.tensorInfos().get("model.embed_tokens.weight");
            assertThat(i.shape()).isEqualTo(List.of(2L, 3L));
            assertThat(i.bytes()).isEqualTo(24);
            assertThat(f.dataStart() % 8).isZero();
        }
    }
}
