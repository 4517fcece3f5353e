package jllm.kernel.scalar;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;

/**
 * Each block decoder against a block built by hand, with the expected values worked out by hand from
 * ggml's layout. The block is placed at an odd offset to check that nothing assumes alignment.
 */
class BlockDecodeTest {

    private static final int AT = 3;

    /** Bytes {@code b} (each an int 0..255) placed at offset {@link #AT} of a fresh segment. */
    private static MemorySegment block(int... b) {
        byte[] bytes = new byte[b.length + AT + 1];
        for (int i = 0; i < b.length; i++) {
            bytes[AT + i] = (byte) b[i];
        }
        return MemorySegment.ofArray(bytes);
    }

    private static float[] decode(GgmlType type, MemorySegment s) {
        float[] out = new float[type.blockSize + 2];
        Codecs.forType(type).dequantizeBlock(out, 1, s, AT);
        assertThat(out[0]).isZero();
        assertThat(out[type.blockSize + 1]).isZero();
        return java.util.Arrays.copyOfRange(out, 1, type.blockSize + 1);
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static int[] fill(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    private static int[] f16(int bits) {
        return new int[] {bits & 0xFF, bits >>> 8};
    }

    @Test
    void f32() {
        int bits = Float.floatToRawIntBits(-1.25f);
        float[] v = decode(GgmlType.F32, block(bits & 0xFF, (bits >>> 8) & 0xFF, (bits >>> 16) & 0xFF, bits >>> 24));
        assertThat(v).containsExactly(-1.25f);
    }

    @Test
    void f16IncludingSubnormalInfinityAndNaN() {
        assertThat(decode(GgmlType.F16, block(f16(0x3C00)))).containsExactly(1.0f);
        assertThat(decode(GgmlType.F16, block(f16(0xC000)))).containsExactly(-2.0f);
        assertThat(decode(GgmlType.F16, block(f16(0x7BFF)))).containsExactly(65504f);
        assertThat(decode(GgmlType.F16, block(f16(0x0001)))).containsExactly(0x1p-24f);
        assertThat(decode(GgmlType.F16, block(f16(0x7C00)))).containsExactly(Float.POSITIVE_INFINITY);
        assertThat(Float.isNaN(decode(GgmlType.F16, block(f16(0x7E00)))[0])).isTrue();
    }

    @Test
    void bf16() {
        assertThat(decode(GgmlType.BF16, block(f16(0x3F80)))).containsExactly(1.0f);
        assertThat(decode(GgmlType.BF16, block(f16(0xC040)))).containsExactly(-3.0f);
        assertThat(decode(GgmlType.BF16, block(f16(0x0001)))).containsExactly(0x1p-133f);
    }

    @Test
    void q8_0() {
        int[] qs = new int[32];
        for (int j = 0; j < 32; j++) {
            qs[j] = (j - 16) & 0xFF;
        }
        float[] v = decode(GgmlType.Q8_0, block(concat(f16(0x3800), qs))); // d = 0.5
        for (int j = 0; j < 32; j++) {
            assertThat(v[j]).isEqualTo((j - 16) * 0.5f);
        }
        assertThat(v[0]).isEqualTo(-8f);
        assertThat(v[31]).isEqualTo(7.5f);
    }

    @Test
    void q4_0() {
        int[] qs = new int[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = j | ((15 - j) << 4);
        }
        float[] v = decode(GgmlType.Q4_0, block(concat(f16(0x4000), qs))); // d = 2
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo((j - 8) * 2f);
            assertThat(v[j + 16]).isEqualTo((7 - j) * 2f);
        }
        assertThat(v[0]).isEqualTo(-16f);
        assertThat(v[16]).isEqualTo(14f);
    }

    @Test
    void q4_1() {
        int[] qs = new int[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = j | ((15 - j) << 4);
        }
        float[] v = decode(GgmlType.Q4_1, block(concat(f16(0x3800), f16(0xBC00), qs))); // d = 0.5, m = -1
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(j * 0.5f - 1);
            assertThat(v[j + 16]).isEqualTo((15 - j) * 0.5f - 1);
        }
        assertThat(v[16]).isEqualTo(6.5f);
    }

    @Test
    void q5_0() {
        int[] qs = new int[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = j | (j << 4);
        }
        // qh = 0x0000FFFF: values 0..15 have the fifth bit, values 16..31 do not. d = 1.
        float[] v = decode(GgmlType.Q5_0, block(concat(f16(0x3C00), new int[] {0xFF, 0xFF, 0, 0}, qs)));
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(j);            // (16 + j) - 16
            assertThat(v[j + 16]).isEqualTo(j - 16);  // j - 16
        }
    }

    @Test
    void q5_1() {
        int[] qs = new int[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = (15 - j) | (j << 4);
        }
        // qh = 0xFFFF0000: only values 16..31 have the fifth bit. d = 0.5, m = 1.
        float[] v = decode(GgmlType.Q5_1, block(concat(f16(0x3800), f16(0x3C00), new int[] {0, 0, 0xFF, 0xFF}, qs)));
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo((15 - j) * 0.5f + 1);
            assertThat(v[j + 16]).isEqualTo((16 + j) * 0.5f + 1);
        }
        assertThat(v[31]).isEqualTo(16.5f);
    }

    @Test
    void iq4_nl() {
        int[] kv = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
        int[] qs = new int[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = j | ((15 - j) << 4);
        }
        float[] v = decode(GgmlType.IQ4_NL, block(concat(f16(0x3800), qs))); // d = 0.5
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(kv[j] * 0.5f);
            assertThat(v[j + 16]).isEqualTo(kv[15 - j] * 0.5f);
        }
        assertThat(v[0]).isEqualTo(-63.5f);
        assertThat(v[16]).isEqualTo(56.5f);
    }

    @Test
    void mxfp4() {
        int[] kv = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}; // E2M1, doubled
        int[] qs = new int[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = j | ((15 - j) << 4);
        }
        // e = 127 is an E8M0 scale of 1; ggml halves it for the doubled table: d = 0.5, the E2M1 values
        float[] v = decode(GgmlType.MXFP4, block(concat(new int[] {127}, qs)));
        for (int j = 0; j < 16; j++) {
            assertThat(v[j]).isEqualTo(kv[j] * 0.5f);
            assertThat(v[j + 16]).isEqualTo(kv[15 - j] * 0.5f);
        }
        assertThat(java.util.Arrays.copyOfRange(v, 0, 8)).containsExactly(0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f);
        assertThat(Float.floatToRawIntBits(v[8])).as("code 8 (-0 in E2M1) decodes to +0, as in ggml").isZero();
        assertThat(v[16]).isEqualTo(-6f);
        // e = 3: d = 2^-125; code 7 (12) gives 1.5 * 2^-122
        v = decode(GgmlType.MXFP4, block(concat(new int[] {3}, fill(16, 0xF7))));
        assertThat(v[0]).isEqualTo(0x1.8p-122f);
        assertThat(v[16]).isEqualTo(-0x1.8p-122f);
    }

    /** ggml_e8m0_to_fp32_half at its edges: subnormal for 0 and 1, 2^127 for 255 (no NaN). */
    @Test
    void e8m0HalfScale() {
        assertThat(Numbers.e8m0Half(0)).isEqualTo(0x1p-128f);
        assertThat(Numbers.e8m0Half(1)).isEqualTo(0x1p-127f);
        assertThat(Numbers.e8m0Half(2)).isEqualTo(0x1p-126f);
        assertThat(Numbers.e8m0Half(127)).isEqualTo(0.5f);
        assertThat(Numbers.e8m0Half(128)).isEqualTo(1f);
        assertThat(Numbers.e8m0Half(254)).isEqualTo(0x1p126f);
        assertThat(Numbers.e8m0Half(255)).isEqualTo(0x1p127f);
        for (int e = 0; e < 256; e++) {
            assertThat(Numbers.e8m0Half(e)).as("e = %d", e).isEqualTo((float) Math.scalb(1.0, e - 128));
        }
    }

    @Test
    void q2_K() {
        // scales[g] = g | 1 << 4: scale g, min 1. Every qs byte 0xE4 = fields 0,1,2,3 at shifts 0,2,4,6.
        int[] scales = new int[16];
        for (int g = 0; g < 16; g++) {
            scales[g] = g | (1 << 4);
        }
        float[] v = decode(GgmlType.Q2_K, block(concat(scales, fill(64, 0xE4), f16(0x3C00), f16(0x3800)))); // d 1, dmin 0.5
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 4; j++) {
                for (int g = 0; g < 2; g++) {
                    for (int l = 0; l < 16; l++) {
                        assertThat(v[128 * h + 32 * j + 16 * g + l]).isEqualTo((8 * h + 2 * j + g) * j - 0.5f);
                    }
                }
            }
        }
        assertThat(v[0]).isEqualTo(-0.5f);
        assertThat(v[32]).isEqualTo(1.5f);
        assertThat(v[48]).isEqualTo(2.5f);
        assertThat(v[255]).isEqualTo(44.5f);
    }

    @Test
    void q3_K() {
        // 6-bit scales 33 + j, i.e. signed j + 1, packed by hand: low nibbles in bytes 0..7 (j < 8 low,
        // j >= 8 high nibble), top two bits (all 2, but 3 for j = 15) in bytes 8..11.
        int[] scales = {0x91, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7, 0x08, 0xAA, 0xAA, 0xAA, 0xEA};
        // hmask 0x0F: the high bit is set for the first half (bits 0..3), clear for the second (-4).
        float[] v = decode(GgmlType.Q3_K, block(concat(fill(32, 0x0F), fill(64, 0xE4), scales, f16(0x3C00))));
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 4; j++) {
                for (int g = 0; g < 2; g++) {
                    for (int l = 0; l < 16; l++) {
                        int q = j - (h == 0 ? 0 : 4);
                        assertThat(v[128 * h + 32 * j + 16 * g + l]).isEqualTo((8 * h + 2 * j + g + 1) * q);
                    }
                }
            }
        }
        assertThat(v[32]).isEqualTo(3f);
        assertThat(v[128]).isEqualTo(-36f);
        assertThat(v[255]).isEqualTo(-16f);
    }

    /** Scales 1,2,3,4,44,45,46,47 and mins 0,1,2,3,24,25,26,27 packed by hand into 12 bytes. */
    private static final int[] K4_SCALES = {0x81, 0x82, 0x83, 0x84, 0x40, 0x41, 0x42, 0x43, 0x8C, 0x9D, 0xAE, 0xBF};

    @Test
    void q4_K() {
        // Every qs byte 0x53: low nibble 3, high nibble 5. d = 1, dmin = 0.5.
        float[] v = decode(GgmlType.Q4_K, block(concat(f16(0x3C00), f16(0x3800), K4_SCALES, fill(128, 0x53))));
        float[] perSubBlock = {3, 9.5f, 8, 18.5f, 120, 212.5f, 125, 221.5f};
        for (int i = 0; i < 256; i++) {
            assertThat(v[i]).as("value %d", i).isEqualTo(perSubBlock[i / 32]);
        }
    }

    @Test
    void q5_K() {
        // qh bytes 0x99: the fifth bit (+16) for sub-blocks 0, 3, 4 and 7.
        float[] v = decode(GgmlType.Q5_K, block(concat(f16(0x3C00), f16(0x3800), K4_SCALES, fill(32, 0x99), fill(128, 0x53))));
        float[] perSubBlock = {19, 9.5f, 8, 82.5f, 824, 212.5f, 125, 973.5f};
        for (int i = 0; i < 256; i++) {
            assertThat(v[i]).as("value %d", i).isEqualTo(perSubBlock[i / 32]);
        }
    }

    @Test
    void q6_K() {
        // ql bytes 0x21, qh bytes 0xE4: the four quarters decode to -31, -15, 2, 18. scales[g] = g - 8, d = 0.5.
        int[] scales = new int[16];
        for (int g = 0; g < 16; g++) {
            scales[g] = (g - 8) & 0xFF;
        }
        float[] v = decode(GgmlType.Q6_K, block(concat(fill(128, 0x21), fill(64, 0xE4), scales, f16(0x3800))));
        int[] quarter = {-31, -15, 2, 18};
        for (int h = 0; h < 2; h++) {
            for (int q = 0; q < 4; q++) {
                for (int l = 0; l < 32; l++) {
                    int group = 8 * h + 2 * q + l / 16;
                    assertThat(v[128 * h + 32 * q + l]).isEqualTo(0.5f * (group - 8) * quarter[q]);
                }
            }
        }
        assertThat(v[0]).isEqualTo(124f);
        assertThat(v[16]).isEqualTo(108.5f);
        assertThat(v[32]).isEqualTo(45f);
        assertThat(v[64]).isEqualTo(-4f);
        assertThat(v[96]).isEqualTo(-18f);
        assertThat(v[255]).isEqualTo(63f);
    }

    @Test
    void everySupportedTypeHasADecoderTestHere() {
        assertThat(RandomTensors.supportedTypes()).containsExactlyInAnyOrder(
                GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
                GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
                GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.MXFP4);
    }
}
