package jllm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
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

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = modelOptions.load(BuiltinModel.orDefault(model))) {
            Tokenizer tok = m.tokenizer();
            ChatPrompt chatPrompt = ChatPrompt.of(m.chatTemplate(), tok);
            ContextLength context = Contexts.choose(ctx, m.model().info());
            Session session = Session.of(m.model(), context.positions());
            List<ChatMessage> history = new ArrayList<>();
            boolean interactive = System.console() != null;
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
                int[] tokens = chatPrompt.tokens(messages);
                if (tokens.length >= session.maxContext()) {
                    System.err.println("(the conversation no longer fits the context of " + context.describe()
                            + ": type /reset to start over; or restart: " + context.remedy() + ")");
                    continue;
                }
                int room = session.maxContext() - tokens.length;
                Generator.Result r = Generator.generate(session, tok, tokens,
                        new Generator.Options(Math.min(maxTokens, room), sampling.settings(), List.of(), false),
                        piece -> {
                            Console.out().print(piece);
                            Console.out().flush();
                        }, () -> false);
                Console.out().println();
                Console.out().flush();
                if (room < maxTokens && r.finishReason() != Generator.FinishReason.STOP && r.tokens().length >= room) {
                    System.err.println("(the answer stopped at the end of the context of " + context.describe()
                            + ": type /reset to start over; or restart: " + context.remedy() + ")");
                }
                history.add(ChatMessage.user(line));
                history.add(ChatMessage.assistant(r.text().strip()));
            }
        }
        return 0;
    }
}
