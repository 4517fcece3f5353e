package jllm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm tokenize [MODEL] TEXT} (or {@code -f FILE}): token ids (and pieces) of a text. MODEL is
 * optional as for run and chat (the built-in model by default): a lone argument is the text.
 */
@Command(name = "tokenize", description = {"Tokenize a text: ids separated by spaces (--ids) or one 'id<TAB>piece' per line.",
        "Give the text as the last argument or with -f FILE; MODEL before it is optional (default: the built-in model) "
        + "and may be a vocabulary-only GGUF."})
final class TokenizeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model file or folder, or a vocabulary-only "
            + "GGUF (default: the built-in model). A lone argument is the TEXT.")
    String first;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "The text (or use -f).")
    String second;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the text from a file (bytes as they are).")
    Path file;

    @Option(names = "--ids", description = "Print only the ids, separated by spaces.")
    boolean ids;

    @Option(names = "--no-bos", description = "Add no BOS/EOS tokens (as llama.cpp's tokenizer tests do).")
    boolean noBos;

    @Option(names = "--parse-special", description = "Match special-token texts such as <|im_start|> in the input.")
    boolean parseSpecial;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file to use instead of the model's (then MODEL is not needed).")
    Path tokenizer;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        List<String> args = Stream.of(first, second).filter(Objects::nonNull).toList();
        int models = file != null ? args.size() : args.size() - 1;
        if (models < 0 || models > 1) {
            throw new IllegalArgumentException(file != null
                    ? "with -f FILE give at most one argument, the model; got " + args.size()
                    : "give the text to tokenize: tokenize [MODEL] TEXT, or tokenize [MODEL] -f FILE");
        }
        Path model = models == 1 ? Path.of(args.get(0)) : null;
        String text = file != null ? InputFiles.readString(file, "a text file") : args.get(args.size() - 1);
        if (model == null && file == null && tokenizer == null && looksLikeAModel(text)) {
            throw new IllegalArgumentException("'" + text + "' is a model file or folder, and it is the only argument: "
                    + "give the text too (tokenize MODEL TEXT, or tokenize MODEL -f FILE)");
        }
        Tokenizer tok = tokenizer != null ? LoadedModel.openTokenizerOnly(model, Optional.of(tokenizer))
                : LoadedModel.openTokenizerOnly(BuiltinModel.orDefault(model), Optional.empty());
        int[] out = tok.encode(text, !noBos, parseSpecial);
        if (ids) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < out.length; i++) {
                sb.append(i == 0 ? "" : " ").append(out[i]);
            }
            Console.out().println(sb);
        } else {
            for (int id : out) {
                String piece = new String(tok.tokenBytes(id, true), StandardCharsets.UTF_8);
                Console.out().println(id + "\t" + Pieces.visible(piece));
            }
        }
        Console.out().flush();
        return 0;
    }

    /** Whether a lone argument names a model file or folder: then the text was left out, most likely. */
    private static boolean looksLikeAModel(String arg) {
        try {
            Path p = Path.of(arg);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            return Files.isDirectory(p) || (Files.isRegularFile(p) && (name.endsWith(".gguf") || name.endsWith(".bin")
                    || name.endsWith(".safetensors")));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
