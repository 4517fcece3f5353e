package jllm.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Jinja2 / transformers features templates rely on, each rendered as Jinja2 renders it. */
class JinjaFeaturesTest {

    private static final List<ChatMessage> CONVERSATION = TemplateCorpus.CONVERSATION;

    private static String render(String source) {
        return ChatTemplate.of(source).render(CONVERSATION, true, "<s>", "</s>");
    }

    private static String render(String source, Map<String, Object> variables) {
        return ChatTemplate.of(source).render(CONVERSATION, true, variables);
    }

    @Test
    void trimBlocksAndLstripBlocksAsTransformersSetsThem() {
        assertThat(render("  {% if true %}\n  x\n  {% endif %}\ny\n{{ 'q' -}}\n  e\n")).isEqualTo("  x\ny\nqe");
        assertThat(render("{%- for m in messages %}\n    {{- m.role[0] }}\n{%- endfor %}\n")).isEqualTo("suau");
    }

    @Test
    void loopVariablesControlsAndFilters() {
        assertThat(render("{% for m in messages %}{{ loop.index0 }}{{ loop.first }}{{ loop.last }},{% endfor %}"))
                .isEqualTo("0truefalse,1falsefalse,2falsefalse,3falsetrue,");
        assertThat(render("{% for m in messages %}{% if loop.index == 3 %}{% break %}{% endif %}{{ m.role }} {% endfor %}"))
                .isEqualTo("system user ");
        assertThat(render("{% for m in messages %}{% if m.role == 'user' %}{% continue %}{% endif %}{{ m.role }} {% endfor %}"))
                .isEqualTo("system assistant ");
        assertThat(render("{% for m in messages if m.role == 'user' %}{{ loop.index }}{{ m.content }}|{{ loop.length }} {% endfor %}"))
                .isEqualTo("1Hi there|2 2What is 2+2?|2 ");
        assertThat(render("{% for m in messages %}{{ loop.previtem.role if loop.previtem else '-' }}>{% endfor %}"))
                .isEqualTo("->system>user>assistant>");
        assertThat(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}")).isEqualTo("a=1;b=2;");
        assertThat(render("{% for k, v in {'a': 1} | items %}{{ k }}={{ v }}{% endfor %}")).isEqualTo("a=1");
        assertThat(render("{% for k in {'a': 1, 'b': 2} %}{{ k }}{% endfor %}")).isEqualTo("ab");
    }

    @Test
    void namespacesAndSlices() {
        assertThat(render("{% set ns = namespace(n=0, last=messages|length - 1) %}{% for m in messages %}"
                + "{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}/{{ ns.last }}")).isEqualTo("4/3");
        assertThat(render("{{ messages[1:]|length }} {{ messages[-1].content }} {{ messages[:2]|length }}"))
                .isEqualTo("3 What is 2+2? 2");
        assertThat(render("{% set i = 1 %}{{ messages[:i+1]|length }}{{ messages[i-1].role }}")).isEqualTo("2system");
        assertThat(render("{% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %}{{ messages[::-1][0].role }}"))
                .isEqualTo("uaususer");
    }

    @Test
    void testsAndNotPrecedence() {
        String source = "{{ x is string }}{{ x is mapping }}{{ m is mapping }}{{ y is defined }}{{ x is none }}{{ n is none }}"
                + "{{ not y is defined }}{{ not x == 'a' }}{{ not 'b' in ['a'] }}{{ not messages|length == 4 }}";
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("x", "a");
        variables.put("m", Map.of());
        variables.put("n", null);
        assertThat(render(source, variables)).isEqualTo("truefalsetruefalsefalsetruetruefalsetruefalse");
        variables.put("flag", false);
        assertThat(render("{% if not flag is defined %}unset{% else %}{{ flag }}{% endif %}", variables)).isEqualTo("false");
    }

    @Test
    void pythonStringMethods() {
        assertThat(render("{{ '  a b  '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ ' a '.rstrip() }}|{{ 'abc'.startswith('ab') }}"
                + "{{ 'abc'.endswith(('x', 'c')) }}|{{ ' a  b '.split() }}|{{ 'a.b.c'.split('.', 1) }}|{{ 'a.b'.split('.')[-1] }}"
                + "|{{ 'aXbX'.replace('X', '-') }}|{{ 'ab'.upper() }}{{ 'AB'.lower() }}|{{ 'hello wORLD'.title() }}"
                + "|{{ ' t '|trim }}|{{ 'abc'|length }}"))
                .isEqualTo("a b|axx| a|truetrue|['a', 'b']|['a', 'b.c']|b|a-b-|ABab|Hello World|t|3");
        assertThat(render("{{ '<think>x</think>answer'.split('</think>')[-1].lstrip('\\n') }}")).isEqualTo("answer");
    }

    @Test
    void dictMethods() {
        Map<String, Object> variables = Map.of("d", Map.of("a", 1));
        assertThat(render("{{ d.get('a') }}{{ d.get('b', 'none') }}{{ d.get('b') is none }}{{ d.keys()|list }}{{ d['a'] }}{{ d.a }}",
                variables)).isEqualTo("1nonetrue['a']11");
    }

    @Test
    void toJsonIsPythonsJsonDumps() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "add \"x\"\n");
        value.put("unicode", "héllo ✓");
        value.put("n", 3);
        value.put("f", 1.0);
        value.put("small", 1.5e-5);
        value.put("list", List.of(true, false));
        value.put("none", null);
        value.put("empty", Map.of());
        Map<String, Object> variables = Map.of("v", value);
        assertThat(render("{{ v | tojson }}", variables)).isEqualTo(
                "{\"name\": \"add \\\"x\\\"\\n\", \"unicode\": \"héllo ✓\", \"n\": 3, \"f\": 1.0, \"small\": 1.5e-05, "
                        + "\"list\": [true, false], \"none\": null, \"empty\": {}}");
        assertThat(render("{{ v.list | tojson(indent=2) }}", variables)).isEqualTo("[\n  true,\n  false\n]");
        assertThat(render("{{ v.unicode | tojson(ensure_ascii=true) }}", variables)).isEqualTo("\"h\\u00e9llo \\u2713\"");
        assertThat(render("{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}")).isEqualTo("{\"a\": 2, \"b\": 1}");
        assertThat(render("{{ {'b': [1]} | tojson(separators=(',', ':')) }}")).isEqualTo("{\"b\":[1]}");
    }

    @Test
    void generationAndFilterBlocks() {
        assertThat(render("{% for m in messages %}{% if m.role == 'assistant' %}{%- generation %}[{{ m.content }}]"
                + "{%- endgeneration %}{% endif %}{% endfor %}")).isEqualTo("[Hello! How can I help?]");
        assertThat(render("{%- filter upper -%} abc {%- endfilter %}")).isEqualTo("ABC");
    }

    @Test
    void pythonJsonFloatsAreRepr() {
        assertThat(PythonJson.pythonFloat(0.1)).isEqualTo("0.1");
        assertThat(PythonJson.pythonFloat(1e16)).isEqualTo("1e+16");
        assertThat(PythonJson.pythonFloat(123456789.0)).isEqualTo("123456789.0");
        assertThat(PythonJson.pythonFloat(-2.5e-7)).isEqualTo("-2.5e-07");
        assertThat(PythonJson.pythonFloat(1e-4)).isEqualTo("0.0001");
        assertThat(PythonJson.pythonFloat(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void strftimeDirectives() {
        var t = java.time.ZonedDateTime.parse("2025-03-07T09:05:03Z");
        assertThat(Strftime.format(t, "%d %b %Y")).isEqualTo("07 Mar 2025");
        assertThat(Strftime.format(t, "%A %B %-d, %y %H:%M:%S %p %I %j %%")).isEqualTo("Friday March 7, 25 09:05:03 AM 09 066 %");
        assertThat(Strftime.format(t, "%Y-%m-%d")).isEqualTo("2025-03-07");
    }

    @Test
    void rewritesLeaveStringsAndTextAlone() {
        assertThat(TemplateSource.prepare("not a is b {{ 'n+1 not x is y' }}{{ not a is defined }}\n"))
                .isEqualTo("not a is b {{ 'n+1 not x is y' }}{{ a is not defined }}");
        assertThat(TemplateSource.rewrite(" f(a=x|length - 1, b='=') ", true)).isEqualTo(" f(a=(x|length - 1), b=('=')) ");
        assertThat(TemplateSource.rewrite(" x[i+1] + 1e-5 ", true)).isEqualTo(" x[i + 1] + 1e-5 ");
        assertThat(TemplateSource.rewrite(" not m.tool_calls|length == 1 ", true)).isEqualTo(" m.tool_calls|length != 1 ");
    }
}
