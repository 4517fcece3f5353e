package jllm.format.gguf;

import static jllm.format.HostileInput.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jllm.testing.SharedData;
import jllm.format.HostileInput;
import jllm.format.ModelFormatException;
import jllm.format.ReadLimits;
import jllm.format.gguf.GgufBytes.GgufTypeId;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The hostile-input catalogue for the GGUF reader; runs under a 256 MiB heap (tag "hostile"). */
@Tag(HostileInput.TAG)
@Timeout(value = 2, unit = TimeUnit.SECONDS)
class GgufHostileInputTest {
    static final String NAME = "hostile.gguf";
    static final long TWO_62 = 1L << 62;
    static final long TWO_64_MINUS_1 = -1L;

    static GgufFile read(byte[] b) {
        return GgufFile.read(NAME, MemorySegment.ofArray(b), ReadLimits.DEFAULT);
    }

    static ModelFormatException refused(byte[] b) {
        return assertRefused(NAME, b.length, () -> read(b).close());
    }

    static ModelFormatException refused(GgufBytes g) {
        return refused(g.bytes());
    }

    /** A small valid file: every value type, four tensors of four types (MXFP4: 17-byte blocks). */
    static byte[] smallValid() {
        byte[] q8 = new byte[GgmlType.Q8_0.blockBytes * 2];
        Arrays.fill(q8, (byte) 3);
        byte[] mxfp4 = new byte[GgmlType.MXFP4.blockBytes * 2];
        Arrays.fill(mxfp4, (byte) 0x7F);
        return GgufWriterTest.everyValueType()
                .addTensor("a", Shape.of(3, 2), new float[]{1, 2, 3, 4, 5, 6})
                .addTensor("b", GgmlType.Q8_0, Shape.of(64), q8)
                .addTensor("c", GgmlType.F16, Shape.of(5), new byte[10])
                .addTensor("d", GgmlType.MXFP4, Shape.of(64), mxfp4)
                .toByteArray();
    }

    // --- absurd lengths and counts -------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {TWO_62, TWO_64_MINUS_1, 1L << 63, 1000})
    void keyLength(long len) {
        ModelFormatException e = refused(GgufBytes.header(0, 1).u64(len).zeros(60));
        assertThat(e.field()).isEqualTo("metadata key #0");
    }

    @ParameterizedTest
    @ValueSource(longs = {TWO_62, TWO_64_MINUS_1, 1L << 63, 1000})
    void stringValueLength(long len) {
        ModelFormatException e = refused(GgufBytes.header(0, 1).str("general.name").u32(GgufValueType.STRING.id)
                .u64(len).zeros(60));
        assertThat(e.field()).isEqualTo("general.name");
    }

    @ParameterizedTest
    @ValueSource(longs = {TWO_62, TWO_64_MINUS_1, 1L << 63, 1000})
    void arrayLength(long len) {
        for (GgufValueType et : GgufValueType.values()) {
            ModelFormatException e = refused(GgufBytes.header(0, 1).str("tokenizer.ggml.tokens")
                    .u32(GgufValueType.ARRAY.id).u32(et.id).u64(len).zeros(60));
            assertThat(e.field()).isEqualTo("tokenizer.ggml.tokens");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {TWO_62, TWO_64_MINUS_1, 1000})
    void tensorNameLength(long len) {
        ModelFormatException e = refused(GgufBytes.header(1, 0).u64(len).zeros(60));
        assertThat(e.field()).isEqualTo("tensor #0 name");
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 63, Long.MAX_VALUE, TWO_64_MINUS_1, 1L << 32, 100})
    void countsFarBeyondA100ByteFile(long count) {
        byte[] tensors = GgufBytes.header(count, 0).zeros(76).bytes();
        assertThat(tensors).hasSize(100);
        assertThat(refused(tensors).field()).isEqualTo("tensor_count");
        assertThat(refused(GgufBytes.header(0, count).zeros(76)).field()).isEqualTo("metadata_kv_count");
    }

    // --- truncation ------------------------------------------------------------------------------

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void everyTruncatedPrefixOfASmallFile() {
        byte[] full = smallValid();
        long end;
        try (GgufFile f = read(full)) {
            end = f.dataStart() + f.tensorInfos().stream().mapToLong(t -> t.offset() + t.bytes()).max().orElseThrow();
        }
        for (int n = 0; n < end; n++) {
            refused(Arrays.copyOf(full, n));
        }
        // only the padding after the last tensor may go missing
        for (int n = (int) end; n <= full.length; n++) {
            read(Arrays.copyOf(full, n)).close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void truncatedPrefixesOfASharedFile() throws Exception {
        Path p = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf");
        byte[] full = Files.readAllBytes(p);
        for (int n = 0; n < 4096; n++) {
            refused(Arrays.copyOf(full, n));
        }
        // and a spread of longer prefixes, cutting the tensor table and the data
        for (int n = 4096; n < full.length; n += 4093) {
            refused(Arrays.copyOf(full, n));
        }
        refused(Arrays.copyOf(full, full.length - 1));
    }

    // --- tensor table ----------------------------------------------------------------------------

    /** A file with one F32 tensor, laid out by hand. */
    static GgufBytes oneTensor(GgufTypeId type, long offset, long... ne) {
        return GgufBytes.header(1, 0).tensor("t", type, offset, ne).padTo(32).zeros(64);
    }

    @Test
    void validHandMadeFileIsAccepted() {
        try (GgufFile f = read(oneTensor(GgufTypeId.F32, 0, 4, 2).bytes())) {
            assertThat(f.tensor("t").shape()).isEqualTo(Shape.of(4, 2));
        }
    }

    @Test
    void dimensionsWhoseProductOverflows() {
        assertThat(refused(oneTensor(GgufTypeId.F32, 0, 1L << 32, 1L << 32)).field()).isEqualTo("t");
        assertThat(refused(oneTensor(GgufTypeId.F32, 0, 1L << 62, 4)).field()).isEqualTo("t");
        // element count fits, byte size does not
        assertThat(refused(oneTensor(GgufTypeId.F32, 0, 1L << 31, 1L << 31)).field()).isEqualTo("t");
        assertThat(refused(oneTensor(GgufTypeId.F32, 0, 1L << 61)).field()).isEqualTo("t");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 1L << 63})
    void nonPositiveDimension(long d) {
        assertThat(refused(oneTensor(GgufTypeId.F32, 0, 4, d)).field()).isEqualTo("t");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 5, 0xFFFF_FFFFL})
    void dimensionCount(long nDims) {
        assertThat(refused(GgufBytes.header(1, 0).str("t").u32(nDims).zeros(80)).field()).isEqualTo("t");
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_K", "MXFP4"})
    void rowNotAWholeNumberOfBlocks(GgmlType type) {
        assertThat(refused(oneTensor(new GgufTypeId(type.id), 0, type.blockSize + 1)).field()).isEqualTo("t");
    }

    @ParameterizedTest
    @ValueSource(longs = {64, 96, 1L << 40, Long.MAX_VALUE - 31, -32})
    void dataPastTheEnd(long offset) {
        ModelFormatException e = refused(oneTensor(GgufTypeId.F32, offset, 4, 2));
        assertThat(e.field()).isEqualTo("t");
    }

    @Test
    void overlappingTensors() {
        GgufBytes g = GgufBytes.header(2, 0)
                .tensor("first", GgufTypeId.F32, 0, 16)
                .tensor("second", GgufTypeId.F32, 32, 16)
                .padTo(32).zeros(128);
        ModelFormatException e = refused(g);
        assertThat(e.field()).isEqualTo("second");
        assertThat(e.getMessage()).contains("overlaps tensor first");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 16, 33})
    void misalignedOffset(long offset) {
        assertThat(refused(oneTensor(GgufTypeId.F32, offset, 4)).getMessage()).contains("alignment 32");
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 99, 1000, 0xFFFF_FFFFL})
    void unknownTensorType(long id) {
        assertThat(refused(oneTensor(new GgufTypeId(id), 0, 4)).getMessage()).contains("unknown tensor type");
    }

    @Test
    void duplicateTensorName() {
        GgufBytes g = GgufBytes.header(2, 0).tensor("t", GgufTypeId.F32, 0, 4).tensor("t", GgufTypeId.F32, 32, 4)
                .padTo(32).zeros(64);
        assertThat(refused(g).getMessage()).contains("duplicate tensor name");
    }

    // --- alignment -------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {0, 13, 48, 1L << 31, 0xFFFF_FFFFL})
    void badAlignment(long align) {
        GgufBytes g = GgufBytes.header(1, 1).kvU32("general.alignment", align)
                .tensor("t", GgufTypeId.F32, 0, 4).padTo(32).zeros(64);
        assertThat(refused(g).field()).isEqualTo("general.alignment");
    }

    @Test
    void alignmentOfAGibibyteInASmallFile() {
        GgufBytes g = GgufBytes.header(1, 1).kvU32("general.alignment", 1L << 30)
                .tensor("t", GgufTypeId.F32, 0, 4).padTo(32).zeros(64);
        assertThat(refused(g).field()).isEqualTo("data section");
        // without tensors there is no data section to place, and the file is fine
        try (GgufFile f = read(GgufBytes.header(0, 1).kvU32("general.alignment", 1L << 30).bytes())) {
            assertThat(f.alignment()).isEqualTo(1L << 30);
        }
    }

    @Test
    void alignmentOfTheWrongType() {
        GgufBytes g = GgufBytes.header(0, 1).str("general.alignment").u32(GgufValueType.STRING.id).str("32");
        assertThat(refused(g).field()).isEqualTo("general.alignment");
    }

    // --- metadata values -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {13, 100, 0xFFFF_FFFFL})
    void unknownValueType(long id) {
        assertThat(refused(GgufBytes.header(0, 1).str("k").u32(id).zeros(16)).getMessage())
                .contains("unknown metadata value type");
        assertThat(refused(GgufBytes.header(0, 1).str("k").u32(GgufValueType.ARRAY.id).u32(id).u64(1).zeros(16))
                .getMessage()).contains("unknown metadata value type");
    }

    @Test
    void arraysNested10000Deep() {
        GgufBytes g = GgufBytes.header(0, 1).str("deep").u32(GgufValueType.ARRAY.id);
        for (int i = 0; i < 10_000; i++) {
            g.u32(GgufValueType.ARRAY.id).u64(1);
        }
        g.u32(GgufValueType.UINT8.id).u64(0);
        assertThat(refused(g).getMessage()).startsWith(NAME + ": deep").contains("nested deeper");
    }

    @Test
    void boolThatIsNeitherZeroNorOne() {
        assertThat(refused(GgufBytes.header(0, 1).str("b").u32(GgufValueType.BOOL.id).u8(2)).field()).isEqualTo("b");
    }

    @Test
    void duplicateKey() {
        assertThat(refused(GgufBytes.header(0, 2).kvU32("k", 1).kvU32("k", 2)).getMessage())
                .contains("duplicate metadata key");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 0x7FFF_FFFF})
    void unsupportedVersion(int version) {
        byte[] b = GgufBytes.header(0, 0).bytes();
        b[4] = (byte) version;
        b[7] = (byte) (version >>> 24);
        assertThat(refused(b).field()).isEqualTo("version");
    }

    @Test
    void notAGgufFile() {
        assertThat(refused("GGML and some more bytes".getBytes()).field()).isEqualTo("magic");
        assertThat(refused(new byte[0]).field()).isEqualTo("magic");
    }

    // --- memory the reader is handed -------------------------------------------------------------

    /** The reader takes any MemorySegment: heap arrays, slices at odd offsets, native memory. */
    @Test
    void readsFromHeapSlicesAtEveryOffsetAndFromNativeMemory() {
        byte[] full = smallValid();
        GgufMetadata expected;
        try (GgufFile f = read(full)) {
            expected = f.metadata();
        }
        for (int shift = 1; shift < 8; shift++) {
            byte[] padded = new byte[full.length + shift];
            System.arraycopy(full, 0, padded, shift, full.length);
            MemorySegment seg = MemorySegment.ofArray(padded).asSlice(shift);
            try (GgufFile f = GgufFile.read(NAME, seg, ReadLimits.DEFAULT)) {
                assertThat(f.metadata().asMap()).isEqualTo(expected.asMap());
                assertThat(f.tensor("b").data().toArray(ValueLayout.JAVA_BYTE)).containsOnly(3);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(full.length + 3L).asSlice(3);
            seg.copyFrom(MemorySegment.ofArray(full));
            try (GgufFile f = GgufFile.read(NAME, seg, ReadLimits.DEFAULT)) {
                assertThat(f.metadata().asMap()).isEqualTo(expected.asMap());
            }
        }
    }

    @Test
    void openNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path p = dir.resolve("short.gguf");
        Files.write(p, Arrays.copyOf(smallValid(), 20));
        ModelFormatException e = assertRefused(p.toString(), 20, () -> GgufFile.open(p).close());
        assertThat(e.getMessage()).contains("truncated");
        Path missing = dir.resolve("missing.gguf");
        assertRefused(missing.toString(), 0, () -> GgufFile.open(missing).close());
    }
}
