package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** GPT-2's byte alphabet: the well-known characters and a round trip of every byte. */
class ByteLevelTest {

    @Test
    void alphabetIsGpt2sAndRoundTripsEveryByte() {
        assertThat(ByteLevel.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteLevel.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteLevel.charOf('a')).isEqualTo('a');
        assertThat(ByteLevel.encode("é")).isEqualTo("Ã©");
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertThat(ByteLevel.decode(ByteLevel.encode(all))).containsExactly(all);
    }
}
