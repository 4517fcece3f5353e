package jllm.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile templates hit a stated bound; templates see plain data only; template errors are clear. */
class ChatTemplateSandboxTest {

    private static final List<ChatMessage> HI = List.of(ChatMessage.user("Hi"));

    private static String render(String source) {
        return ChatTemplate.of(source).render(HI, true, "", "");
    }

    @Test
    void nestedLoopsHitTheStepBound() {
        // A generous time bound, so that the step bound is the one that trips even on a loaded machine.
        ChatTemplateOptions options = ChatTemplateOptions.defaults().withLimits(1 << 20, 100_000, Duration.ofSeconds(60));
        ChatTemplate template = ChatTemplate.of("""
                {% for i in range(100000) %}{% for j in range(100000) %}{% set x = i %}{% endfor %}{% endfor %}""", options);
        assertThatThrownBy(() -> template.render(HI, true, "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("more than 100000 steps");
    }

    @Test
    void aSlowRenderHitsTheTimeBound() {
        ChatTemplateOptions options = ChatTemplateOptions.defaults().withLimits(1 << 20, Long.MAX_VALUE, Duration.ofMillis(50));
        ChatTemplate template = ChatTemplate.of("""
                {% for i in range(100000) %}{% for j in range(100000) %}{% set x = i %}{% endfor %}{% endfor %}""", options);
        long start = System.nanoTime();
        assertThatThrownBy(() -> template.render(HI, true, "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("ran longer than 50 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void stringDoublingHitsTheOutputBound() {
        assertThatThrownBy(() -> render("{% set s = 'ab' %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("output bound of 1048576 characters");
    }

    @Test
    void hugeOutputHitsTheOutputBound() {
        // 1 KiB a step: the bound is reached within about a thousand steps, long before the time bound
        String kib = "0123456789abcdef".repeat(64);
        assertThatThrownBy(() -> render("{% for i in range(100000) %}{{ '" + kib + "' }}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("output bound");
    }

    @Test
    void stringRepetitionIsRejectedNotExecuted() {
        assertThatThrownBy(() -> render("{{ 'a' * 1000000000 }}")).isInstanceOf(ChatTemplateException.class);
    }

    @Test
    void runawayRecursionHitsTheDepthBound() {
        assertThatThrownBy(() -> render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("depth bound of 64");
        assertThat(render("{% macro f(n) %}{% if n < 5 %}{{ n }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}"))
                .isEqualTo("01234");
    }

    @Test
    void javaObjectsAreNotReachable() {
        assertThatThrownBy(() -> render("{{ messages.getClass() }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("list has no method .getClass()");
        assertThatThrownBy(() -> render("{{ ''.getClass() }}")).isInstanceOf(ChatTemplateException.class);
        assertThatThrownBy(() -> render("{{ messages[0].getClass() }}")).isInstanceOf(ChatTemplateException.class);
        assertThatThrownBy(() -> render("{% for m in messages %}{{ loop.getClass() }}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("not allowed");
        assertThat(render("{{ ____int3rpr3t3r____.config }}{{ ''.class }}{{ loop.class }}")).isEmpty();
        assertThatThrownBy(() -> render("{% include 'etc/passwd' %}")).isInstanceOf(ChatTemplateException.class);
        assertThatThrownBy(() -> ChatTemplate.of("x").render(HI, true, java.util.Map.of("file", new java.io.File("/"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file");
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessageAndStopsTheRender() {
        assertThatThrownBy(() -> render("before{{ raise_exception('Roles must alternate: ' ~ messages|length) }}after"))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Roles must alternate: 1");
                    assertThat(e.raisedByTemplate()).isTrue();
                });
        assertThatThrownBy(() -> render("{% for m in messages %}{% if true %}{{ raise_exception('in a loop') }}{% endif %}{% endfor %}"))
                .hasMessage("in a loop");
    }

    @Test
    void unparseableTemplatesFailAtCompileTimeWithTheReason() {
        assertThatThrownBy(() -> ChatTemplate.of("{% if messages %}open"))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isFalse())
                .hasMessageContaining("cannot be parsed").hasMessageContaining("endif");
        assertThatThrownBy(() -> ChatTemplate.of("x{% endfor %}")).hasMessageContaining("cannot be parsed");
        assertThatThrownBy(() -> render("{{ foo( }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("foo(");
    }
}
