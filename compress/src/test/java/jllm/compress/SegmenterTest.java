package jllm.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import jllm.model.LoadedModel;
import org.junit.jupiter.api.Test;

class SegmenterTest {

    /** The UTF-8 validator agrees with the JDK's strict decoder on random byte soup. */
    @Test
    void validRunsMatchTheJdkDecoder() {
        Random rnd = new Random(9);
        for (int trial = 0; trial < 3000; trial++) {
            byte[] d = new byte[1 + rnd.nextInt(12)];
            for (int i = 0; i < d.length; i++) {
                int kind = rnd.nextInt(4);
                d[i] = (byte) (kind == 0 ? rnd.nextInt(128) : kind == 1 ? 0x80 + rnd.nextInt(64) : 0xC0 + rnd.nextInt(64));
            }
            int end = Segmenter.validRunEnd(d, 0);
            assertThat(strictlyValid(d, end)).as("prefix of %s up to %d", java.util.HexFormat.of().formatHex(d), end).isTrue();
            if (end < d.length) {
                // no longer prefix is valid UTF-8 that ends on a character boundary after end
                for (int longer = end + 1; longer <= Math.min(d.length, end + 4); longer++) {
                    assertThat(strictlyValid(d, longer)).isFalse();
                }
            }
        }
    }

    @Test
    void segmentsReproduceTheInput() {
        try (LoadedModel m = TestModels.builtin(1)) {
            Segmenter seg = new Segmenter(m.tokenizer());
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes("A long enough run of ordinary text to be worth tokenizing.".getBytes(StandardCharsets.UTF_8));
            b.writeBytes(new byte[]{(byte) 0xFF, 0x00, (byte) 0xC3});
            b.writeBytes("short".getBytes(StandardCharsets.UTF_8));
            b.writeBytes(new byte[]{(byte) 0x80});
            b.writeBytes("And another long run of text, with ünïcödé in it, to end.".getBytes(StandardCharsets.UTF_8));
            byte[] data = b.toByteArray();
            List<Segment> segments = seg.split(data);
            assertThat(segments).hasSize(3);
            assertThat(segments.get(0)).isInstanceOf(Segment.Text.class);
            assertThat(segments.get(1)).isInstanceOf(Segment.Raw.class); // the short run between junk stays raw
            assertThat(((Segment.Raw) segments.get(1)).bytes()).hasSize(3 + 5 + 1);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            for (Segment s : segments) {
                back.writeBytes(s instanceof Segment.Text t ? Segmenter.decode(m.tokenizer(), t) : ((Segment.Raw) s).bytes());
            }
            assertThat(back.toByteArray()).isEqualTo(data);
        }
    }

    private static boolean strictlyValid(byte[] d, int end) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(d, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
