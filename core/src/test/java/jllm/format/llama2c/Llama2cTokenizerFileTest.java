package jllm.format.llama2c;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;
import jllm.format.ModelFormatException;

/** The tokenizer.bin parser on real files, every truncation and hostile lengths. */
class Llama2cTokenizerFileTest {

    @Test
    void readsTok512() {
        Llama2cTokenizerFile f = Llama2cTokenizerFile.read(SharedData.require("data/models/stories260K/tok512.bin"), 512);
        assertThat(f.size()).isEqualTo(512);
        assertThat(new String(f.piece(0), StandardCharsets.UTF_8)).isEqualTo("<unk>");
        assertThat(new String(f.piece(1), StandardCharsets.UTF_8)).isEqualTo("\n<s>\n");
        assertThat(new String(f.piece(3), StandardCharsets.UTF_8)).isEqualTo("<0x00>");
        assertThat(f.maxTokenLength()).isPositive();
    }

    @Test
    void everyTruncationIsRefused() throws Exception {
        byte[] all = Files.readAllBytes(SharedData.require("data/models/stories260K/tok512.bin"));
        for (int len = 0; len < all.length; len++) {
            byte[] cut = Arrays.copyOf(all, len);
            assertThatThrownBy(() -> Llama2cTokenizerFile.parse("cut", cut, 512))
                    .isInstanceOf(ModelFormatException.class);
        }
        assertThat(Llama2cTokenizerFile.parse("whole", all, 512).size()).isEqualTo(512);
    }

    private static byte[] file(int maxLen, float score, int len, byte[] piece) {
        ByteBuffer b = ByteBuffer.allocate(12 + piece.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(maxLen).putFloat(score).putInt(len).put(piece);
        return b.array();
    }

    @Test
    void hostileLengthsAreRefused() {
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("neg", file(10, 0f, -1, new byte[0]), 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("token 0");
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("huge", file(10, 0f, Integer.MAX_VALUE, new byte[4]), 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("overmax", file(2, 0f, 3, new byte[3]), 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("max_token_length");
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("maxneg", file(-7, 0f, 1, new byte[1]), 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("max_token_length");
        // A vocabulary the file cannot hold is refused before allocating for it.
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("vocab", file(10, 0f, 1, new byte[1]), 1 << 24))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("too few");
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("zero", file(10, 0f, 1, new byte[1]), 0))
                .isInstanceOf(ModelFormatException.class);
        assertThatThrownBy(() -> Llama2cTokenizerFile.parse("trailing", file(10, 0f, 1, new byte[2]), 1))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("unexpected bytes");
        assertThat(Llama2cTokenizerFile.parse("ok", file(10, 1.5f, 2, "ab".getBytes(StandardCharsets.UTF_8)), 1)
                .scores()).containsExactly(1.5f);
    }
}
