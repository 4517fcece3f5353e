package jllm.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import jllm.testing.SharedData;
import jllm.format.ReadLimits;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufWriterTest {

    static GgufFile readBack(byte[] bytes) {
        return GgufFile.read("written.gguf", MemorySegment.ofArray(bytes), ReadLimits.DEFAULT);
    }

    static GgufValue.GgufArray ints(GgufValueType t, long... v) {
        return new GgufValue.GgufArray(t, v, null, null, null, null);
    }

    static GgufValue.GgufArray floats(GgufValueType t, double... v) {
        return new GgufValue.GgufArray(t, null, v, null, null, null);
    }

    static GgufValue.GgufArray strings(String... v) {
        return new GgufValue.GgufArray(GgufValueType.STRING, null, null, null, List.of(v), null);
    }

    static GgufValue.GgufArray arrays(GgufValue.GgufArray... v) {
        return new GgufValue.GgufArray(GgufValueType.ARRAY, null, null, null, null, List.of(v));
    }

    static GgufValue arr(GgufValue.GgufArray a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    /** Metadata holding every value type at its extremes, arrays of every element type, nested arrays. */
    static GgufWriter.Builder everyValueType() {
        return GgufWriter.builder()
                .putUInt8("u8", 255).putInt8("i8", -128)
                .putUInt16("u16", 65535).putInt16("i16", -32768)
                .putUInt32("u32", 0xFFFF_FFFFL).putInt32("i32", Integer.MIN_VALUE)
                .putUInt64("u64", -1L).putInt64("i64", Long.MIN_VALUE)
                .putFloat32("f32", -1.5e-38f).putFloat32("f32.nan", Float.NaN)
                .putFloat64("f64", -0.0).putFloat64("f64.max", Double.MAX_VALUE)
                .putBool("bool.true", true).putBool("bool.false", false)
                .putString("string", "héllo ✓ \u0000 end").putString("string.empty", "")
                .put("arr.u8", arr(ints(GgufValueType.UINT8, 0, 1, 255)))
                .put("arr.i8", arr(ints(GgufValueType.INT8, -128, 127)))
                .put("arr.u16", arr(ints(GgufValueType.UINT16, 65535)))
                .put("arr.i16", arr(ints(GgufValueType.INT16, -1, 7)))
                .put("arr.u32", arr(ints(GgufValueType.UINT32, 0xFFFF_FFFFL, 3)))
                .putInt32Array("arr.i32", new int[]{Integer.MIN_VALUE, 0, Integer.MAX_VALUE})
                .put("arr.u64", arr(ints(GgufValueType.UINT64, -1L, 0)))
                .put("arr.i64", arr(ints(GgufValueType.INT64, Long.MIN_VALUE, Long.MAX_VALUE)))
                .putFloat32Array("arr.f32", new float[]{1f, -2.5f, Float.MIN_VALUE, Float.POSITIVE_INFINITY})
                .put("arr.f64", arr(floats(GgufValueType.FLOAT64, Math.PI, -0.0)))
                .put("arr.bool", arr(new GgufValue.GgufArray(GgufValueType.BOOL, null, null,
                        new boolean[]{true, false, true}, null, null)))
                .putStringArray("arr.string", List.of("a", "", "ünï"))
                .put("arr.empty", arr(ints(GgufValueType.INT32)))
                .put("arr.nested", arr(arrays(
                        arrays(strings("x", "y"), strings()),
                        arrays(ints(GgufValueType.UINT8, 9)),
                        arrays())));
    }

    @Test
    void everyMetadataValueTypeReadsBackIdentically() {
        GgufWriter.Builder b = everyValueType();
        try (GgufFile f = readBack(b.toByteArray())) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.tensorInfos()).isEmpty();
            GgufMetadata m = f.metadata();
            assertThat(m.asMap()).isEqualTo(everyValueType().metadata().asMap());
            assertThat(List.copyOf(m.keys())).startsWith("u8", "i8", "u16", "i16", "u32");
            assertThat(m.integer("u8")).hasValue(255);
            assertThat(m.integer("i8")).hasValue(-128);
            assertThat(m.integer("u64")).hasValue(-1L);
            assertThat(m.get("f32.nan").orElseThrow().value()).isEqualTo(Double.NaN);
            assertThat(m.get("u16").orElseThrow().type()).isEqualTo(GgufValueType.UINT16);
            assertThat(m.string("string")).contains("héllo ✓ \u0000 end");
            assertThat(m.stringArray("arr.string").orElseThrow()).containsExactly("a", "", "ünï");
            assertThat(m.floatArray("arr.f32").orElseThrow()).containsExactly(1f, -2.5f, Float.MIN_VALUE,
                    Float.POSITIVE_INFINITY);
            GgufValue.GgufArray nested = (GgufValue.GgufArray) m.get("arr.nested").orElseThrow().value();
            assertThat(nested.arrays().get(0).arrays().get(0).strings()).containsExactly("x", "y");
        }
    }

    @Test
    void replacingAKeyKeepsItsPlace() {
        GgufWriter.Builder b = GgufWriter.builder().putString("a", "1").putString("b", "2").putUInt32("a", 3);
        try (GgufFile f = readBack(b.toByteArray())) {
            assertThat(List.copyOf(f.metadata().keys())).containsExactly("a", "b");
            assertThat(f.metadata().integer("a")).hasValue(3);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 32, 64, 4096})
    void tensorsReadBackIdenticallyAndAligned(int alignment) {
        Random rnd = new Random(alignment);
        byte[] q8 = new byte[GgmlType.Q8_0.blockBytes * 3 * 2];
        rnd.nextBytes(q8);
        byte[] f16 = new byte[2 * 5];
        rnd.nextBytes(f16);
        byte[] mxfp4 = new byte[GgmlType.MXFP4.blockBytes * 3]; // 51 bytes: the next tensor needs padding
        rnd.nextBytes(mxfp4);
        float[] f32 = new float[7 * 3];
        for (int i = 0; i < f32.length; i++) {
            f32[i] = (float) rnd.nextGaussian();
        }
        GgufWriter.Builder b = GgufWriter.builder().putString("general.architecture", "test").alignment(alignment)
                .addTensor("q8", GgmlType.Q8_0, Shape.of(96, 2), q8)
                .addTensor("f16", GgmlType.F16, Shape.of(5), f16)
                .addTensor("mxfp4", GgmlType.MXFP4, Shape.of(32, 3), mxfp4)
                .addTensor("f32", Shape.of(7, 3), f32);
        try (GgufFile f = readBack(b.toByteArray())) {
            assertThat(f.alignment()).isEqualTo(alignment);
            assertThat(f.dataStart() % alignment).isZero();
            assertThat(f.tensorInfos()).extracting(GgufTensorInfo::name).containsExactly("q8", "f16", "mxfp4", "f32");
            for (GgufTensorInfo t : f.tensorInfos()) {
                assertThat(t.offset() % alignment).as(t.name()).isZero();
            }
            assertThat(bytes(f.tensor("q8"))).isEqualTo(q8);
            assertThat(bytes(f.tensor("f16"))).isEqualTo(f16);
            assertThat(bytes(f.tensor("mxfp4"))).isEqualTo(mxfp4);
            Tensor t = f.tensor("f32");
            assertThat(t.shape()).isEqualTo(Shape.of(7, 3));
            assertThat(t.data().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED)).isEqualTo(f32);
        }
    }

    @Test
    void writesToAFileThatOpensIdentically(@TempDir Path dir) {
        Path p = dir.resolve("model.gguf");
        GgufWriter.Builder b = everyValueType().addTensor("w", Shape.of(4, 2), new float[]{1, 2, 3, 4, 5, 6, 7, 8});
        b.write(p);
        b.write(p); // replaces the existing file
        try (GgufFile f = GgufFile.open(p); GgufFile mem = readBack(b.toByteArray())) {
            assertThat(f.metadata().asMap()).isEqualTo(mem.metadata().asMap());
            assertThat(bytes(f.tensor("w"))).isEqualTo(bytes(mem.tensor("w")));
        }
        assertThat(dir.toFile().list()).containsExactly("model.gguf");
    }

    @Test
    void aWrittenFileHasThePermissionsOfAnyNewFileInItsFolder(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "skipped: no POSIX permissions here");
        Path probe = Files.writeString(dir.resolve("probe.txt"), "made as any tool makes a file");
        Path p = dir.resolve("model.gguf");
        everyValueType().write(p);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)));
        everyValueType().write(p); // replacing keeps it so
        assertThat(Files.getPosixFilePermissions(p)).isEqualTo(Files.getPosixFilePermissions(probe));
    }

    @Test
    void tensorBytesAreMadeOnlyWhileWritingOneAtATime(@TempDir Path dir) {
        List<String> made = new ArrayList<>();
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        GgufWriter.Builder b = GgufWriter.builder().putString("general.architecture", "llama");
        for (String name : List.of("a", "b")) {
            b.addTensor(name, GgmlType.F32, Shape.of(4, 2), arena -> {
                made.add(name);
                MemorySegment seg = arena.allocate(32);
                MemorySegment.copy(v, 0, seg, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 8);
                return seg;
            });
        }
        assertThat(made).isEmpty();
        Path p = dir.resolve("lazy.gguf");
        b.write(p);
        assertThat(made).containsExactly("a", "b");
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.tensor("b").data().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED)).containsExactly(v);
        }
        GgufWriter.Builder wrong = GgufWriter.builder().addTensor("w", GgmlType.F32, Shape.of(4, 2), arena -> arena.allocate(4));
        assertThatThrownBy(() -> wrong.write(dir.resolve("wrong.gguf"))).hasMessageContaining("w").hasMessageContaining("32");
        assertThat(dir.resolve("wrong.gguf")).doesNotExist();
    }

    @Test
    void refusesValuesThatDoNotFitTheirType() {
        GgufWriter.Builder b = GgufWriter.builder();
        assertThatThrownBy(() -> b.putUInt8("k", 256)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k");
        assertThatThrownBy(() -> b.putUInt32("k", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.put("k", new GgufValue(GgufValueType.STRING, 3L)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.put("k", arr(ints(GgufValueType.INT8, 200))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.alignment(13)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.alignment(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.putString("general.alignment", "32")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.addTensor("t", GgmlType.F32, Shape.of(3), new byte[8]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.addTensor("t", GgmlType.Q8_0, Shape.of(16), new byte[17]))
                .isInstanceOf(IllegalArgumentException.class);
        b.addTensor("t", Shape.of(1), new float[]{1});
        assertThatThrownBy(() -> b.addTensor("t", Shape.of(1), new float[]{1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already added");
    }

    static byte[] bytes(Tensor t) {
        return t.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Re-writes a llama.cpp-made GGUF from what jllm read of it; the result must read back the same. */
    @ParameterizedTest
    @ValueSource(strings = {
            "testdata/models/stories260K/stories260K-Q8_0.gguf",
            "testdata/models/randllama-d256/randllama-d256-Q4_K.gguf",
            "testdata/models/randqwen2-d256/randqwen2-d256-Q8_0.gguf",
            "data/models/llama-2-tiny-random-gguf/llama-2-tiny-random.gguf"})
    void rewritingASharedModelReproducesIt(String relative, @TempDir Path dir) throws Exception {
        Path src = SharedData.require(relative);
        Path out = dir.resolve("copy.gguf");
        try (GgufFile in = GgufFile.open(src)) {
            GgufWriter.Builder b = GgufWriter.builder().putAll(in.metadata());
            List<Tensor> tensors = new ArrayList<>();
            for (GgufTensorInfo info : in.tensorInfos()) {
                tensors.add(in.tensor(info));
            }
            tensors.forEach(b::addTensor);
            b.write(out);
            try (GgufFile copy = GgufFile.open(out)) {
                assertThat(copy.metadata().asMap()).isEqualTo(in.metadata().asMap());
                assertThat(copy.tensorInfos()).hasSameSizeAs(in.tensorInfos());
                for (int i = 0; i < in.tensorInfos().size(); i++) {
                    GgufTensorInfo a = in.tensorInfos().get(i);
                    GgufTensorInfo c = copy.tensorInfos().get(i);
                    assertThat(c.name()).isEqualTo(a.name());
                    assertThat(c.type()).as(a.name()).isEqualTo(a.type());
                    assertThat(c.shape()).as(a.name()).isEqualTo(a.shape());
                    assertThat(copy.tensor(c).data().mismatch(in.tensor(a).data())).as(a.name()).isEqualTo(-1);
                }
            }
            // llama.cpp lays tensors out the same way (in order, each padded to the alignment)
            assertThat(Files.mismatch(src, out)).isEqualTo(-1);
        }
    }
}
