package jllm.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The context rule: the trained context by default (capped), longer only when asked, and then with a warning. */
class ContextLengthTest {

    @Test
    void theDefaultIsTheTrainedContext() {
        ContextLength c = ContextLength.choose(0, 256);
        assertThat(c.positions()).isEqualTo(256);
        assertThat(c.asked()).isFalse();
        assertThat(c.warning()).isEmpty();
        assertThat(c.describe()).isEqualTo("256 positions (the model's trained context)");
        assertThat(c.remedy()).contains("a larger --ctx", "256", "rope scaling is not applied");
    }

    @Test
    void theDefaultIsCappedForLongContexts() {
        ContextLength c = ContextLength.choose(0, 131072);
        assertThat(c.positions()).isEqualTo(ContextLength.DEFAULT_MAX).isEqualTo(4096);
        assertThat(c.warning()).isEmpty();
        assertThat(c.describe()).isEqualTo("4096 positions (the default cap; the model's trained context is 131072: --ctx raises it)");
        assertThat(c.remedy()).isEqualTo("raise it with --ctx, up to 131072 (the model's trained context)");
        // a model that states no context gets the cap
        assertThat(ContextLength.choose(0, 0).positions()).isEqualTo(4096);
    }

    @Test
    void askingWithinTheTrainedContextIsQuiet() {
        ContextLength c = ContextLength.choose(100, 256);
        assertThat(c.positions()).isEqualTo(100);
        assertThat(c.warning()).isEmpty();
        assertThat(c.describe()).isEqualTo("100 positions (--ctx)");
        assertThat(ContextLength.choose(256, 256).warning()).isEmpty();
    }

    @Test
    void askingPastTheTrainedContextIsAllowedWithAWarning() {
        ContextLength c = ContextLength.choose(100000, 256);
        assertThat(c.positions()).isEqualTo(100000);
        assertThat(c.beyondTrained()).isTrue();
        assertThat(c.warning()).contains("a context of 100000 positions is past the model's trained context of 256: "
                + "rope scaling is not applied, so text past position 256 degrades");
        assertThat(c.describe()).isEqualTo("100000 positions (--ctx; the model was trained on 256)");
        assertThat(ContextLength.choose(257, 256).warning()).isPresent();
    }

    @Test
    void aNegativeRequestIsRefused() {
        assertThatThrownBy(() -> ContextLength.choose(-1, 256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--ctx must be positive, got -1");
    }
}
