package jllm.kernel.scalar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Activation preparation against ggml's quantize_row_q8_0_ref / q8_1_ref / q8_K_ref, worked by hand. */
class ActivationTest {

    @Test
    void roundfRoundsHalfAwayFromZero() {
        assertThat(Numbers.roundf(2.5f)).isEqualTo(3f);
        assertThat(Numbers.roundf(-2.5f)).isEqualTo(-3f);
        assertThat(Numbers.roundf(0.49999997f)).isEqualTo(0f);
        assertThat(Numbers.roundf(-0.5f)).isEqualTo(-1f);
        assertThat(Numbers.roundf(1.4f)).isEqualTo(1f);
    }

    @Test
    void nearestIntRoundsHalfToEven() {
        assertThat(Numbers.nearestInt(2.5f)).isEqualTo(2);
        assertThat(Numbers.nearestInt(3.5f)).isEqualTo(4);
        assertThat(Numbers.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(Numbers.nearestInt(-127f)).isEqualTo(-127);
        assertThat(Numbers.nearestInt(0.5f)).isEqualTo(0);
        assertThat(Numbers.nearestInt(1.6f)).isEqualTo(2);
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsNaNQuiet() {
        assertThat(Numbers.floatToBf16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(Numbers.floatToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80); // tie, even
        assertThat(Numbers.floatToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82); // tie, odd
        assertThat(Numbers.floatToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(Numbers.floatToBf16(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0); // signalling
        assertThat(Numbers.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(Numbers.floatToBf16(-2.0f)).isEqualTo((short) 0xC000);
    }

    @Test
    void f16ActivationsAreRoundedToNearestEven() {
        // 1 + 2^-11 is halfway between two halves: ties to 1.0; 1 + 3 * 2^-11 ties up to 1 + 2^-9.
        Activation a = ActivationFormat.F16.quantize(new float[] {9, 1 + 0x1p-11f, 1 + 3 * 0x1p-11f}, 1, 2);
        assertThat(a.values).containsExactly(1.0f, 1 + 0x1p-9f);
    }

    @Test
    void q8_0RoundsHalfToEvenAsGgmlOnX86AndStoresAnF16Scale() {
        float[] x = new float[34];
        // amax 127: d = 1, quants are x rounded half to even (ggml's AVX path; the C reference uses roundf).
        float[] head = {127, 2.5f, -2.5f, 0.5f, -0.5f, -1.49f};
        System.arraycopy(head, 0, x, 2, head.length);
        Activation a = ActivationFormat.Q8_0.quantize(x, 2, 32);
        assertThat(a.d).containsExactly(1.0f);
        assertThat(a.qs[0]).isEqualTo((byte) 127);
        assertThat(new byte[] {a.qs[1], a.qs[2], a.qs[3], a.qs[4], a.qs[5], a.qs[6]}).containsExactly(2, -2, 0, 0, -1, 0);
        assertThat(a.values[1]).isEqualTo(2f);
        assertThat(a.s).isNull();
    }

    @Test
    void q8_0ScaleIsStoredAsF16ButQuantsUseTheExactScale() {
        float[] x = new float[32];
        x[0] = 1.0f;
        x[1] = 0.5f;
        Activation a = ActivationFormat.Q8_0.quantize(x, 0, 32);
        float d = 1.0f / 127;
        assertThat(a.d[0]).isEqualTo(Numbers.roundToF16(d)).isNotEqualTo(d);
        assertThat(a.qs[0]).isEqualTo((byte) 127);
        assertThat(a.qs[1]).isEqualTo((byte) 64); // 0.5 * 127 / 1 = 63.5, half to even
    }

    @Test
    void q8_1CarriesTheScaledSum() {
        float[] x = new float[32];
        float[] head = {127, 2.5f, -2.5f, 0.5f, -0.5f, -1.49f};
        System.arraycopy(head, 0, x, 0, head.length);
        Activation a = ActivationFormat.Q8_1.quantize(x, 0, 32);
        assertThat(a.d).containsExactly(1.0f);
        assertThat(a.s).containsExactly(126f); // 127 + 2 - 2 + 0 + 0 - 1
    }

    @Test
    void q8_KScalesTheSignedMaximumToMinus127() {
        float[] x = new float[256];
        x[0] = 1.984375f;  // 127/64, the signed maximum: iscale = -64
        x[1] = -1.984375f; // same magnitude later: not the maximum
        x[2] = 0.5f / 64;  // 0.5 -> 0 (ties to even)
        x[3] = 1.5f / 64;  // 1.5 -> 2
        x[4] = 2.5f / 64;  // 2.5 -> 2
        x[16] = -0.25f;    // -16 in the second group
        Activation a = ActivationFormat.Q8_K.quantize(x, 0, 256);
        assertThat(a.d).containsExactly(-1f / 64);
        assertThat(new byte[] {a.qs[0], a.qs[1], a.qs[2], a.qs[3], a.qs[4]}).containsExactly(-127, 127, 0, -2, -2);
        assertThat(a.qs[16]).isEqualTo((byte) 16);
        assertThat(a.bsums[0]).isEqualTo(-4);
        assertThat(a.bsums[1]).isEqualTo(16);
    }

    @Test
    void q8_KOfZerosIsZero() {
        Activation a = ActivationFormat.Q8_K.quantize(new float[512], 0, 512);
        assertThat(a.d).containsExactly(0f, 0f);
        assertThat(a.bsums).containsOnly(0);
    }

    @Test
    void lengthMustBeWholeBlocks() {
        assertThatThrownBy(() -> ActivationFormat.Q8_K.quantize(new float[300], 0, 300))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256").hasMessageContaining("300");
    }
}
