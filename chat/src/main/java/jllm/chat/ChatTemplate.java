package jllm.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.Context.Library;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateError.ErrorReason;
import com.hubspot.jinjava.interpret.TemplateError.ErrorType;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.CompositeELResolver;
import jllm.format.json.Json;
import jllm.format.json.JsonException;

/**
 * A Hugging Face / GGUF Jinja chat template ({@code tokenizer.chat_template}), compiled once and rendered
 * into prompt text for each conversation.
 *
 * <pre>{@code
 * ChatTemplate template = ChatTemplate.of(gguf.metadata().chatTemplate());
 * String prompt = template.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")),
 *         true, "<s>", "</s>");
 * }</pre>
 *
 * <p>Rendering follows transformers' {@code apply_chat_template}: Jinja2 with {@code trim_blocks} and
 * {@code lstrip_blocks}, the {@code raise_exception}, {@code strftime_now} and {@code tojson} helpers,
 * loop controls and {@code {% generation %}} blocks. Templates are untrusted code from a model file, so a
 * render sees only maps, lists, strings, numbers and booleans, and is bounded by
 * {@link ChatTemplateOptions} (output size, steps, time, collection size, depth).
 *
 * <p>Instances are immutable and may render concurrently from several threads.
 */
public final class ChatTemplate {

    private static final Set<String> DISABLED_TAGS = Set.of("include", "import", "from", "extends", "block");
    private static final Set<String> DISABLED_FILTERS = Set.of("render", "fromyaml", "toyaml", "random", "shuffle");

    private final String source;
    private final ChatTemplateOptions options;
    private final Jinjava jinjava;
    private final Node root;

    private ChatTemplate(String source, ChatTemplateOptions options) {
        this.source = source;
        this.options = options;
        this.jinjava = newJinjava(options);
        this.root = parse(TemplateSource.prepare(source));
    }

    /** Compiles a template with {@link ChatTemplateOptions#defaults()}. */
    public static ChatTemplate of(String jinjaSource) {
        return of(jinjaSource, ChatTemplateOptions.defaults());
    }

    /**
     * Compiles a template.
     *
     * @throws ChatTemplateException when the template cannot be parsed (unclosed or unknown tags, ...)
     */
    public static ChatTemplate of(String jinjaSource, ChatTemplateOptions options) {
        Objects.requireNonNull(jinjaSource, "jinjaSource");
        Objects.requireNonNull(options, "options");
        return new ChatTemplate(jinjaSource, options);
    }

    /** The template text as given. */
    public String source() {
        return source;
    }

    public ChatTemplateOptions options() {
        return options;
    }

    /**
     * Renders a conversation into prompt text.
     *
     * @param addGenerationPrompt end with the header that starts the assistant's reply
     * @param bosToken            the model's beginning-of-sequence text ({@code bos_token}), or ""
     * @param eosToken            the model's end-of-sequence text ({@code eos_token}), or ""
     * @throws ChatTemplateException when the template rejects the conversation ({@code raise_exception}),
     *                               fails, or exceeds a bound of its options
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        Map<String, Object> extra = new HashMap<>();
        extra.put("bos_token", Objects.requireNonNull(bosToken, "bosToken"));
        extra.put("eos_token", Objects.requireNonNull(eosToken, "eosToken"));
        return render(messages, addGenerationPrompt, extra);
    }

    /**
     * Renders a conversation into prompt text, with further template variables: {@code bos_token},
     * {@code eos_token}, {@code tools}, {@code enable_thinking}, {@code date_string}, ... Values must be
     * strings, numbers, booleans, null, {@link ChatMessage}s, or maps and lists of those.
     *
     * @throws ChatTemplateException as {@link #render(List, boolean, String, String)}
     * @throws IllegalArgumentException when a variable holds another kind of object
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> extraVariables) {
        Map<String, Object> bindings = new HashMap<>();
        extraVariables.forEach((name, value) -> bindings.put(name, plain(value, name, 0)));
        bindings.put("messages", plain(messages, "messages", 0));
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.putIfAbsent("bos_token", "");
        bindings.putIfAbsent("eos_token", "");
        // Jinja2 sees its globals as variables: templates test "strftime_now is defined" before calling it.
        HfFunctions.all().forEach(f -> bindings.put(f.getLocalName(), "<function " + f.getLocalName() + ">"));

        RenderBudget budget = RenderBudget.open(options);
        Context context = new Context(jinjava.getGlobalContextCopy(), bindings, jinjava.getGlobalConfig().getDisabled());
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        String output;
        try (AutoCloseableImpl<JinjavaInterpreter> current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            output = current.value().render(root);
        } catch (RenderBudget.Aborted e) {
            output = null;
        } catch (RuntimeException e) {
            if (budget.raised() == null && budget.exceeded() == null) {
                throw new ChatTemplateException("chat template failed at line " + interpreter.getLineNumber() + ": " + e.getMessage(), e);
            }
            output = null;
        } finally {
            budget.close();
        }
        if (budget.raised() != null) {
            throw ChatTemplateException.raisedByTemplate(budget.raised());
        }
        if (budget.exceeded() != null) {
            throw new ChatTemplateException("chat template stopped: " + budget.exceeded());
        }
        failOnErrors(interpreter.getErrorsCopy(), "failed");
        return output;
    }

    /**
     * The text the template appends for {@code add_generation_prompt=true}, such as
     * {@code "<|im_start|>assistant\n"}: the difference between rendering a one-message conversation
     * with and without it. Empty when the template ignores the flag.
     */
    public String generationPrompt(String bosToken, String eosToken) {
        List<ChatMessage> probe = List.of(ChatMessage.user("Hello"));
        String with = render(probe, true, bosToken, eosToken);
        String without = render(probe, false, bosToken, eosToken);
        int common = 0;
        while (common < with.length() && common < without.length() && with.charAt(common) == without.charAt(common)) {
            common++;
        }
        return with.substring(common);
    }

    private static Jinjava newJinjava(ChatTemplateOptions options) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new SandboxResolver());
        resolver.add(new ArrayELResolver(true));
        resolver.add(new JinjavaListELResolver(false));
        resolver.add(new TypeConvertingMapELResolver(false));
        resolver.add(new JinjavaBeanELResolver(true)); // reached only for jinjava's filters and tests
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // done as Jinja2 does it in TemplateSource
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUsePyishObjectMapper(true)
                        .withIterateOverMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .build())
                .withElResolver(resolver)
                .withProcessors(JinjavaProcessors.newBuilder()
                        .withNodePreProcessor((node, interpreter) -> RenderBudget.step(RenderBudget.current()))
                        .build())
                .withMaxOutputSize(options.maxOutputChars())
                .withMaxStringLength(options.maxOutputChars())
                .withMaxListSize(options.maxCollection())
                .withMaxMapSize(options.maxCollection())
                .withRangeLimit(options.maxCollection())
                .withMaxRenderDepth(options.maxDepth())
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(options.maxDepth())
                .withNestedInterpretationEnabled(false)
                .withDateTimeProvider(() -> options.clock().millis())
                .withTimeZone(options.clock().getZone())
                .withDisabled(Map.of(Library.TAG, DISABLED_TAGS, Library.FILTER, DISABLED_FILTERS))
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.registerTag(new PythonForTag());
        jinjava.registerTag(new BlockTags.Generation());
        jinjava.registerTag(new BlockTags.FilterBlock());
        jinjava.registerExpTest(new PythonIterableTest());
        HfFilters.all().forEach(jinjava::registerFilter);
        HfFunctions.all().forEach(jinjava::registerFunction);
        return jinjava;
    }

    private Node parse(String preparedSource) {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        try (AutoCloseableImpl<JinjavaInterpreter> current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            Node parsed = current.value().parse(preparedSource);
            failOnErrors(interpreter.getErrorsCopy(), "cannot be parsed");
            return parsed;
        }
    }

    /**
     * Turns jinjava's recorded errors into an exception: every fatal error, plus the warnings after which
     * the output is wrong (a stray end tag, a macro stopped at the recursion bound, a rendering cycle).
     */
    private void failOnErrors(List<TemplateError> errors, String what) {
        for (TemplateError error : errors) {
            String message = String.valueOf(error.getMessage());
            boolean fatal = error.getSeverity() == ErrorType.FATAL
                    || error.getReason() == ErrorReason.SYNTAX_ERROR
                    || message.startsWith("Max recursion limit")
                    || message.startsWith("Rendering cycle detected");
            if (!fatal) {
                continue;
            }
            String detail;
            if (error.getReason() == ErrorReason.OUTPUT_TOO_BIG || message.contains("OutputTooBigException")) {
                detail = "the prompt or a string it builds grew past the output bound of " + options.maxOutputChars()
                        + " characters (" + message + ")";
            } else if (message.startsWith("Max recursion limit")) {
                detail = "macro recursion went deeper than the depth bound of " + options.maxDepth() + " (" + message + ")";
            } else {
                detail = message;
            }
            String where = error.getFieldName() == null || error.getFieldName().isBlank() ? ""
                    : " in '" + error.getFieldName() + "'";
            throw new ChatTemplateException("chat template " + what + " at line " + error.getLineno() + where + ": " + detail);
        }
    }

    /**
     * A message as transformers passes it: role and content, then {@code tool_calls} (arguments as a
     * parsed object when they are JSON, as transformers and llama.cpp give them), {@code tool_call_id},
     * {@code name} and {@code reasoning_content}, each only when present.
     */
    private static Map<String, Object> message(ChatMessage m, String path, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role());
        map.put("content", m.content());
        if (!m.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall c : m.toolCalls()) {
                Object arguments;
                try {
                    arguments = plain(Json.parse(c.arguments(), "tool call arguments"), path + ".tool_calls", depth + 3);
                } catch (JsonException e) {
                    arguments = c.arguments();
                }
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", c.name());
                function.put("arguments", arguments);
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", c.id());
                call.put("type", "function");
                call.put("function", function);
                calls.add(call);
            }
            map.put("tool_calls", calls);
        }
        m.toolCallId().ifPresent(id -> map.put("tool_call_id", id));
        m.name().ifPresent(n -> map.put("name", n));
        m.reasoning().ifPresent(r -> map.put("reasoning_content", r));
        return map;
    }

    /** A deep copy made of maps, lists, strings, numbers and booleans: all a template may see. */
    private static Object plain(Object value, String path, int depth) {
        if (depth > 64) {
            throw new IllegalArgumentException("chat template variable " + path + " is nested too deeply");
        }
        return switch (value) {
            case null -> null;
            case Object o when o == Json.NULL -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case ChatMessage m -> message(m, path, depth);
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v, path + "." + k, depth + 1)));
                yield copy;
            }
            case Collection<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object element : list) {
                    copy.add(plain(element, path + "[" + copy.size() + "]", depth + 1));
                }
                yield copy;
            }
            default -> throw new IllegalArgumentException("chat template variable " + path + " holds a "
                    + value.getClass().getName() + "; use strings, numbers, booleans, maps and lists");
        };
    }
}
