package jllm.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import jllm.testing.SharedData;
import jllm.compress.coder.CorruptStreamException;
import jllm.model.LoadedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Zip then unzip with the built-in model: every kind of input comes back byte for byte. */
class JzRoundTripTest {
    private static LoadedModel one;  // 1 thread: zips
    private static LoadedModel two;  // 2 threads: unzips
    private static byte[] sha;

    @BeforeAll
    static void open() {
        one = TestModels.builtin(1);
        two = TestModels.builtin(2);
        sha = TestModels.builtinSha();
    }

    @AfterAll
    static void close() {
        if (one != null) {
            one.close();
        }
        if (two != null) {
            two.close();
        }
    }

    /** Zips with 1 thread, unzips with 2, and checks the bytes; returns the .jz. */
    private static byte[] roundTrip(byte[] data) {
        byte[] jz = Jz.zip(one, sha, data, Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
        byte[] back = Jz.unzip(two, sha, jz, Jz.Progress.NONE);
        assertThat(back).isEqualTo(data);
        return jz;
    }

    @Test
    void emptyAndOneByte() {
        roundTrip(new byte[0]);
        roundTrip(new byte[]{'a'});
        roundTrip(new byte[]{(byte) 0xFF});
        roundTrip(new byte[]{0});
    }

    @Test
    void randomBinary() {
        Random rnd = new Random(1);
        for (int n : new int[]{2, 31, 1000, 5000}) {
            byte[] data = new byte[n];
            rnd.nextBytes(data);
            byte[] jz = roundTrip(data);
            assertThat(jz.length).as("random bytes cost about 8 bits each").isLessThan(n + n / 8 + 200);
        }
    }

    @Test
    void invalidUtf8InsideText() {
        String story = "Once upon a time, there was a little dog named Max. Max liked to run and play in the park. ";
        byte[] text = story.getBytes(StandardCharsets.UTF_8);
        byte[][] junk = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF5},
                {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}};
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] j : junk) {
            b.writeBytes(text);
            b.writeBytes(j);
        }
        b.write(text, 0, 10);
        b.write(0xE2); // cut inside a character at the very end
        byte[] data = b.toByteArray();
        byte[] jz = roundTrip(data);
        assertThat(jz.length).as("the text still compresses").isLessThan(data.length / 2);
    }

    @Test
    void textTheTokenizerMightChange() {
        String s = "Line one\r\nline two\r\n\ttab <|endoftext|> and <|im_start|>user\n"
                + "Unicode: naïve café, 日本語のテキスト, emoji 😀👍🏽, combining e\u0301, NUL \u0000 end.\n   trailing spaces   \n\n\n";
        roundTrip(s.repeat(3).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everySharedFilePrefixAndOneWholeFile() throws IOException {
        Path root = SharedData.require("data");
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !root.relativize(p).startsWith("models") && !root.relativize(p).startsWith("tokenizers"))
                    .filter(p -> !p.getFileName().toString().matches("(LICENSE|COPYING|SOURCE|README).*"))
                    .sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(12);
        for (Path f : files) {
            byte[] all = Files.readAllBytes(f);
            // a prefix cut at an odd place (often inside a UTF-8 character)
            byte[] prefix = Arrays.copyOf(all, Math.min(all.length, 701));
            roundTrip(prefix);
        }
        roundTrip(Files.readAllBytes(SharedData.require("data/prompt-injection/bipia/text_attack_train.json")));
    }

    @Test
    void beatsXzOnTinyStoriesPrefix() throws IOException {
        byte[] all = Files.readAllBytes(SharedData.require("data/tinystories-sample/tinystories_val_head.txt"));
        byte[] data = Arrays.copyOf(all, 8_000);
        byte[] jz = roundTrip(data);
        // xz -9 reaches 1.896 bits per byte on the whole file (and does worse on a 20 KB prefix)
        assertThat(8.0 * jz.length / data.length).isLessThan(1.5);
    }

    @Test
    void textTheModelCannotPredictFallsBackToTheByteModel() {
        Random rnd = new Random(2);
        StringBuilder b = new StringBuilder();
        while (b.length() < 3000) {
            for (int i = 0, n = 3 + rnd.nextInt(6); i < n; i++) {
                b.append((char) ('a' + rnd.nextInt(26)));
            }
            b.append('\n');
        }
        byte[] data = b.toString().getBytes(StandardCharsets.UTF_8);
        byte[] jz = roundTrip(data);
        // 27 symbols: an order-0 model needs about 4.8 bits a byte; the story model needs far more
        assertThat(8.0 * jz.length / data.length).isLessThan(5.5);
        assertThat(JzHeader.read(jz).header().segments()).hasSize(1);
    }

    @Test
    void sameFileForOneAndTwoThreads() {
        byte[] data = "The cat sat on the mat. It was a sunny day and the birds sang.".repeat(20).getBytes(StandardCharsets.UTF_8);
        byte[] a = Jz.zip(one, sha, data, Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
        byte[] b = Jz.zip(two, sha, data, Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void enginePredictorAndOtherChunkingRoundTrip() {
        byte[] data = "Tom and Sue went to the beach. They built a big sand castle.\n".repeat(12).getBytes(StandardCharsets.UTF_8);
        byte[] jz = Jz.zip(one, sha, data, new Jz.Options(50, 3, JzHeader.Predictor.ENGINE), Jz.Progress.NONE).bytes();
        assertThat(JzHeader.read(jz).header().predictor()).isEqualTo(JzHeader.Predictor.ENGINE);
        assertThat(Jz.unzip(two, sha, jz, Jz.Progress.NONE)).isEqualTo(data);
        byte[] plain = Jz.zip(one, sha, data, new Jz.Options(17, 1, null), Jz.Progress.NONE).bytes();
        assertThat(JzHeader.read(plain).header().predictor()).isEqualTo(JzHeader.Predictor.REPRODUCIBLE);
        assertThat(Jz.unzip(two, sha, plain, Jz.Progress.NONE)).isEqualTo(data);
    }

    @Test
    void refusesAnotherModel() {
        byte[] jz = Jz.zip(one, sha, "hello world".getBytes(StandardCharsets.UTF_8), Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
        byte[] other = sha.clone();
        other[0] ^= 1;
        assertThatThrownBy(() -> Jz.unzip(two, other, jz, Jz.Progress.NONE))
                .isInstanceOf(JzFormatException.class).hasMessageContaining("different model").hasMessageContaining("sha256");
    }

    @Test
    void flippedBytesAreCaught() {
        byte[] data = "Once upon a time there was a big red ball. The ball liked to bounce.".repeat(4).getBytes(StandardCharsets.UTF_8);
        byte[] jz = Jz.zip(one, sha, data, Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
        int payload = JzHeader.read(jz).payloadOffset();
        // the recorded checksum itself
        byte[] badSum = jz.clone();
        badSum[7 + 1 + 32 + 1 + 5] ^= 0x10;
        assertThatThrownBy(() -> Jz.unzip(two, sha, badSum, Jz.Progress.NONE)).hasMessageContaining("checksum mismatch");
        // payload bytes: the data never comes back wrong silently
        for (int i = payload; i < jz.length; i += Math.max(1, (jz.length - payload) / 10)) {
            byte[] bad = jz.clone();
            bad[i] ^= 0x01;
            try {
                byte[] back = Jz.unzip(two, sha, bad, Jz.Progress.NONE);
                assertThat(back).as("flip at %d decoded without error", i).isEqualTo(data);
            } catch (JzFormatException | CorruptStreamException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void hostileHeadersGiveClearErrors() {
        byte[] data = "A short story about a cat.".getBytes(StandardCharsets.UTF_8);
        byte[] jz = Jz.zip(one, sha, data, Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
        int payload = JzHeader.read(jz).payloadOffset();
        for (int n = 0; n < jz.length; n++) { // every truncation
            byte[] cut = Arrays.copyOf(jz, n);
            if (n < payload) {
                assertThatThrownBy(() -> Jz.unzip(two, sha, cut, Jz.Progress.NONE)).isInstanceOf(JzFormatException.class)
                        .hasMessageContaining(n < 8 ? "not a jllm zip file" : "truncated");
            } else {
                // the coder's last flushed bytes may not be needed: then the data must come back exactly
                try {
                    assertThat(Jz.unzip(two, sha, cut, Jz.Progress.NONE)).isEqualTo(data);
                } catch (JzFormatException | CorruptStreamException e) {
                    assertThat(e.getMessage()).isNotBlank();
                }
            }
        }
        assertThatThrownBy(() -> JzHeader.read("PK\u0003\u0004 not ours".getBytes(StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("not a jllm zip file");
        byte[] future = jz.clone();
        future[7] = 9;
        assertThatThrownBy(() -> JzHeader.read(future)).hasMessageContaining("version 9");
        byte[] old = jz.clone();
        old[7] = 1; // the llama-only predictor's files
        assertThatThrownBy(() -> JzHeader.read(old)).hasMessageContaining("earlier jllm");
        // an absurd original size and an absurd segment count
        JzHeader h = JzHeader.read(jz).header();
        byte[] huge = new JzHeader(JzHeader.VERSION, h.predictor(), h.modelSha256(), 1L << 40, h.originalSha256(), h.chunkTokens(),
                h.lanes(), h.segments()).write();
        assertThatThrownBy(() -> JzHeader.read(huge)).hasMessageContaining("larger than jllm zip supports");
        byte[] many = new JzHeader(JzHeader.VERSION, h.predictor(), h.modelSha256(), 100, h.originalSha256(), h.chunkTokens(), h.lanes(),
                List.of()).write();
        many[many.length - 1] = (byte) 0xFF; // segment count 0 -> a varint that continues past the end
        assertThatThrownBy(() -> JzHeader.read(many)).isInstanceOf(JzFormatException.class);
        byte[] tooManyTokens = new JzHeader(JzHeader.VERSION, h.predictor(), h.modelSha256(), 10, h.originalSha256(), h.chunkTokens(),
                h.lanes(), List.of(new JzHeader.SegmentShape(true, 1_000_000, 0))).write();
        assertThatThrownBy(() -> JzHeader.read(tooManyTokens)).hasMessageContaining("does not fit the original size");
    }
}
