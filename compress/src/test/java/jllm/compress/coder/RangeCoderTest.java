package jllm.compress.coder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class RangeCoderTest {

    /** Random tables (sizes 1..3000, totals up to 2^24, some very skewed) and random symbols from them. */
    @Test
    void seededRandomStreamsRoundTrip() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + rnd.nextInt(trial % 3 == 0 ? 3 : 3000);
            FrequencyTable[] tables = new FrequencyTable[4];
            for (int k = 0; k < tables.length; k++) {
                tables[k] = randomTable(rnd, n);
            }
            int count = rnd.nextInt(5000);
            int[] symbols = new int[count];
            RangeEncoder enc = new RangeEncoder();
            for (int i = 0; i < count; i++) {
                symbols[i] = rnd.nextInt(n);
                tables[i % 4].encode(enc, symbols[i]);
            }
            byte[] bytes = enc.finish();
            RangeDecoder dec = new RangeDecoder(bytes, 0, bytes.length);
            for (int i = 0; i < count; i++) {
                assertThat(tables[i % 4].decode(dec)).as("trial %d symbol %d", trial, i).isEqualTo(symbols[i]);
            }
        }
    }

    /**
     * Symbols at the very top of [0, total) push low upwards until it carries: the encoder must hold
     * 0xFF bytes back and ripple the carry into them. A long run of top symbols followed by others
     * produces such runs; the decoder must still get every symbol back.
     */
    @Test
    void carriesRippleThroughRunsOfFf() {
        Random rnd = new Random(7);
        int total = RangeEncoder.MAX_TOTAL;
        int runs = 0;
        for (int trial = 0; trial < 200; trial++) {
            int count = 200 + rnd.nextInt(400);
            int[] cum = new int[count];
            int[] freq = new int[count];
            RangeEncoder enc = new RangeEncoder();
            for (int i = 0; i < count; i++) {
                boolean top = rnd.nextInt(10) < 8;
                freq[i] = top ? 1 + rnd.nextInt(3) : 1 + rnd.nextInt(total / 2);
                cum[i] = top ? total - freq[i] : rnd.nextInt(total - freq[i] + 1);
                enc.encode(cum[i], freq[i], total);
            }
            byte[] bytes = enc.finish();
            runs += longestRun(bytes, (byte) 0xFF) >= 3 ? 1 : 0;
            RangeDecoder dec = new RangeDecoder(bytes, 0, bytes.length);
            for (int i = 0; i < count; i++) {
                int t = dec.target(total);
                assertThat(t).as("trial %d symbol %d", trial, i).isBetween(cum[i], cum[i] + freq[i] - 1);
                dec.consume(cum[i], freq[i], total);
            }
        }
        assertThat(runs).as("streams with 0xFF runs (the carry path)").isGreaterThan(50);
    }

    @Test
    void extremeFrequenciesCostWhatTheyShould() {
        int total = RangeEncoder.MAX_TOTAL;
        // a near-certain symbol 100,000 times: almost free
        RangeEncoder enc = new RangeEncoder();
        for (int i = 0; i < 100_000; i++) {
            enc.encode(0, total - 1, total);
        }
        assertThat(enc.finish().length).isLessThan(16);
        // the rarest symbol (1 / 2^24) 1,000 times: 24 bits each
        RangeEncoder rare = new RangeEncoder();
        for (int i = 0; i < 1000; i++) {
            rare.encode(total / 2, 1, total);
        }
        byte[] bytes = rare.finish();
        assertThat(bytes.length).isBetween(3000, 3000 + 16);
        RangeDecoder dec = new RangeDecoder(bytes, 0, bytes.length);
        for (int i = 0; i < 1000; i++) {
            assertThat(dec.target(total)).isEqualTo(total / 2);
            dec.consume(total / 2, 1, total);
        }
    }

    @Test
    void sizeIsCloseToTheEntropy() {
        Random rnd = new Random(3);
        FrequencyTable t = randomTable(rnd, 256);
        RangeEncoder enc = new RangeEncoder();
        double bits = 0;
        for (int i = 0; i < 50_000; i++) {
            int s = sample(t, rnd);
            bits += t.bits(s);
            t.encode(enc, s);
        }
        int size = enc.finish().length;
        assertThat((double) size).isBetween(bits / 8, bits / 8 * 1.001 + 16);
    }

    @Test
    void emptyStreamAndReadingPastTheEnd() {
        byte[] bytes = new RangeEncoder().finish();
        assertThat(bytes).hasSize(8);
        RangeDecoder dec = new RangeDecoder(bytes, 0, bytes.length);
        // a truncated stream: zeros for a few bytes, then an error, never endless output
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                dec.consume(dec.target(256), 1, 256);
            }
        }).isInstanceOf(CorruptStreamException.class).hasMessageContaining("truncated");
    }

    @Test
    void badIntervalsAndTablesAreRefused() {
        RangeEncoder enc = new RangeEncoder();
        assertThatThrownBy(() -> enc.encode(5, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enc.encode(5, 6, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enc.encode(0, 1, RangeEncoder.MAX_TOTAL + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrequencyTable.of(new int[]{3, 0, 2})).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> FrequencyTable.of(new int[]{RangeEncoder.MAX_TOTAL, 1})).hasMessageContaining("sum past");
    }

    @Test
    void adaptiveByteModelRoundTripsAndLearns() {
        Random rnd = new Random(11);
        byte[] data = new byte[20_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (rnd.nextInt(10) < 9 ? 'a' + rnd.nextInt(4) : rnd.nextInt(256));
        }
        AdaptiveByteModel model = new AdaptiveByteModel();
        RangeEncoder enc = new RangeEncoder();
        for (byte b : data) {
            model.encode(enc, b & 0xFF);
        }
        byte[] bytes = enc.finish();
        assertThat(bytes.length).as("skewed bytes compress").isLessThan(data.length * 5 / 8);
        AdaptiveByteModel back = new AdaptiveByteModel();
        RangeDecoder dec = new RangeDecoder(bytes, 0, bytes.length);
        for (int i = 0; i < data.length; i++) {
            assertThat((byte) back.decode(dec)).isEqualTo(data[i]);
        }
    }

    private static FrequencyTable randomTable(Random rnd, int n) {
        int[] f = new int[n];
        int budget = RangeEncoder.MAX_TOTAL - n;
        for (int i = 0; i < n; i++) {
            f[i] = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(1 + budget / n) : rnd.nextInt(3));
        }
        if (n > 1 && rnd.nextBoolean()) { // one dominant symbol
            long sum = 0;
            for (int x : f) {
                sum += x;
            }
            f[rnd.nextInt(n)] += (int) Math.max(0, RangeEncoder.MAX_TOTAL - sum - 1);
        }
        return FrequencyTable.of(f);
    }

    private static int sample(FrequencyTable t, Random rnd) {
        return t.find(rnd.nextInt(t.total()));
    }

    private static int longestRun(byte[] b, byte v) {
        int best = 0;
        int run = 0;
        for (byte x : b) {
            run = x == v ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }
}
