package jllm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.chat.reply.ReplyEvent;
import jllm.chat.reply.ReplyFormat;
import jllm.chat.reply.ReplyParser;
import jllm.format.json.Json;
import jllm.generate.ContextLength;
import jllm.generate.Generator;
import jllm.generate.Session;
import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm chat MODEL}: a terminal chat using the model's chat template, with history. Commands:
 * {@code /reset}, {@code /system TEXT}, {@code /quit}. Reads piped standard input too (one message per line).
 * The reply is read in the model's format: reasoning between think tags is shown dimmed on a terminal
 * (plain when piped), or not at all with {@code --hide-thinking}; {@code --chat-template-kwargs} passes
 * switches such as {@code enable_thinking} to the template.
 */
@Command(name = "chat", description = "Chat in the terminal with the model's chat template. Type /reset, /system TEXT or /quit.")
final class ChatCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model file or folder (default: the built-in model).")
    Path model;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens = 512;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context length, for the whole conversation (default: " + Contexts.HELP + ").")
    int ctx;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt.")
    String system;

    @Option(names = "--hide-thinking", description = "Do not show the model's reasoning (<think>...</think>); it is shown dimmed on a terminal otherwise.")
    boolean hideThinking;

    @Option(names = "--chat-template-kwargs", paramLabel = "JSON",
            description = "Template switches as a JSON object, e.g. '{\"enable_thinking\": false}'.")
    String templateKwargs;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> kwargs = templateKwargs == null ? Map.of() : kwargs(templateKwargs);
        try (LoadedModel m = modelOptions.load(BuiltinModel.orDefault(model))) {
            Tokenizer tok = m.tokenizer();
            ChatPrompt chatPrompt = ChatPrompt.of(m.chatTemplate(), tok);
            ContextLength context = Contexts.choose(ctx, m.model().info());
            Session session = Session.of(m.model(), context.positions());
            List<ChatMessage> history = new ArrayList<>();
            boolean interactive = System.console() != null;
            boolean dim = System.console() != null && System.console().isTerminal();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (interactive) {
                System.err.println("jllm chat: " + m.source().path().getFileName() + ". /reset clears, /system TEXT sets the system prompt, /quit leaves.");
            }
            while (true) {
                if (interactive) {
                    System.err.print("> ");
                    System.err.flush();
                }
                String line = in.readLine();
                if (line == null || line.strip().equals("/quit") || line.strip().equals("/exit")) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().equals("/reset")) {
                    history.clear();
                    session.reset();
                    System.err.println("(conversation cleared)");
                    continue;
                }
                if (line.startsWith("/system")) {
                    system = line.substring("/system".length()).strip();
                    history.clear();
                    session.reset();
                    System.err.println(system.isEmpty() ? "(system prompt removed; conversation cleared)" : "(system prompt set; conversation cleared)");
                    continue;
                }
                List<ChatMessage> messages = new ArrayList<>();
                if (system != null && !system.isEmpty()) {
                    messages.add(ChatMessage.system(system));
                }
                messages.addAll(history);
                messages.add(ChatMessage.user(line));
                String prompt = chatPrompt.render(messages, List.of(), kwargs);
                int[] tokens = chatPrompt.tokens(prompt);
                if (tokens.length >= session.maxContext()) {
                    System.err.println("(the conversation no longer fits the context of " + context.describe()
                            + ": type /reset to start over; or restart: " + context.remedy() + ")");
                    continue;
                }
                int room = session.maxContext() - tokens.length;
                ReplyFormat format = ReplyFormat.of(chatPrompt.template().source(), prompt);
                ReplyParser parser = format.parser(List.of(), "call_");
                ReplyPrinter printer = new ReplyPrinter(Console.out(), !hideThinking, dim);
                Generator.Result r = Generator.generate(session, tok, tokens,
                        new Generator.Options(Math.min(maxTokens, room), sampling.settings(), List.of(), false)
                                .withSpecialText(format.specialText()),
                        piece -> printer.print(parser.feed(piece)), () -> false);
                printer.print(parser.finish());
                printer.end();
                if (room < maxTokens && r.finishReason() != Generator.FinishReason.STOP && r.tokens().length >= room) {
                    System.err.println("(the answer stopped at the end of the context of " + context.describe()
                            + ": type /reset to start over; or restart: " + context.remedy() + ")");
                }
                history.add(ChatMessage.user(line));
                ChatMessage reply = ChatMessage.assistant(printer.content().strip());
                history.add(printer.reasoning().isBlank() ? reply : reply.withReasoning(printer.reasoning().strip()));
            }
        }
        return 0;
    }

    /** {@code --chat-template-kwargs}: a JSON object, or a message naming the problem. */
    static Map<String, Object> kwargs(String json) {
        try {
            return Json.parseObject(json, "--chat-template-kwargs");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--chat-template-kwargs must be a JSON object such as '{\"enable_thinking\": false}': "
                    + e.getMessage());
        }
    }

    /** Prints a reply's answer as it comes, its reasoning dimmed (ANSI) on a terminal or left out, and keeps both. */
    static final class ReplyPrinter {
        private static final String DIM = "\u001b[2m";
        private static final String RESET = "\u001b[0m";
        private final PrintStream out;
        private final boolean showThinking;
        private final boolean ansi;
        private final StringBuilder content = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private boolean thinking;

        ReplyPrinter(PrintStream out, boolean showThinking, boolean ansi) {
            this.out = out;
            this.showThinking = showThinking;
            this.ansi = ansi;
        }

        void print(List<ReplyEvent> events) {
            for (ReplyEvent e : events) {
                switch (e) {
                    case ReplyEvent.Reasoning r -> {
                        reasoning.append(r.text());
                        if (showThinking) {
                            if (!thinking && ansi) {
                                out.print(DIM);
                            }
                            thinking = true;
                            out.print(r.text());
                        }
                    }
                    case ReplyEvent.Content c -> {
                        closeThinking();
                        content.append(c.text());
                        out.print(c.text());
                    }
                    case ReplyEvent.Call c -> { // no tools are offered: calls are not read
                    }
                }
            }
            out.flush();
        }

        /** Ends the thinking block with a line break, so the answer starts on a line of its own. */
        private void closeThinking() {
            if (thinking) {
                out.print(ansi ? RESET + "\n" : "\n");
                thinking = false;
            }
        }

        void end() {
            if (thinking && ansi) {
                out.print(RESET);
            }
            thinking = false;
            out.println();
            out.flush();
        }

        String content() {
            return content.toString();
        }

        String reasoning() {
            return reasoning.toString();
        }
    }
}
