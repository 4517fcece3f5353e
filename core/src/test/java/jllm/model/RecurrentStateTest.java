package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Rewinding a recurrent state: to its checkpoints, which stay spread over the sequence. */
class RecurrentStateTest {

    /** A state whose value in every layer is the number of positions consumed. */
    private static void step(RecurrentState s, int positions) {
        for (int l = 0; l < 2; l++) {
            s.layer(l)[0] = s.length() + positions;
        }
        s.advanceTo(s.length() + positions);
    }

    @Test
    void truncateGoesBackToTheLatestCheckpointAtOrBefore() {
        RecurrentState s = new RecurrentState(2, 3, 100);
        step(s, 9); // a prompt
        for (int i = 0; i < 20; i++) {
            step(s, 1); // decode steps: more than there are checkpoints
        }
        assertThat(s.length()).isEqualTo(29);
        s.truncate(29);
        assertThat(s.length()).isEqualTo(29);
        s.truncate(28); // the latest decode steps are kept
        assertThat(s.length()).isEqualTo(28);
        assertThat(s.layer(1)[0]).isEqualTo(28f);
        s.truncate(12); // the prompt's end outlives decode steps
        assertThat(s.length()).isBetween(9, 12);
        assertThat(s.layer(0)[0]).isEqualTo(s.length());
        s.truncate(9);
        assertThat(s.length()).isEqualTo(9);
        s.truncate(5); // before every checkpoint: the empty state
        assertThat(s.length()).isZero();
        assertThat(s.layer(0)).containsOnly(0f);
    }

    @Test
    void itsSizeDoesNotDependOnTheContext() {
        assertThat(new RecurrentState(2, 3, 1 << 20).bytesAtFullContext()).isEqualTo(new RecurrentState(2, 3, 8).bytesAtFullContext());
        RecurrentState s = new RecurrentState(1, 1, 8);
        assertThatThrownBy(() -> s.ensureCapacity(9)).isInstanceOf(ContextOverflowException.class);
        assertThatThrownBy(() -> s.truncate(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
