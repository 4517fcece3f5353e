package jllm.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm tokenize MODEL TEXT}: token ids (and pieces) of a text. */
@Command(name = "tokenize", description = "Tokenize a text: ids separated by spaces (--ids) or one 'id<TAB>piece' per line. MODEL may be a vocabulary-only GGUF.")
final class TokenizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file or folder, or a vocabulary-only GGUF.")
    Path model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "The text (or use -f).")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the text from a file (bytes as they are).")
    Path file;

    @Option(names = "--ids", description = "Print only the ids, separated by spaces.")
    boolean ids;

    @Option(names = "--no-bos", description = "Add no BOS/EOS tokens (as llama.cpp's tokenizer tests do).")
    boolean noBos;

    @Option(names = "--parse-special", description = "Match special-token texts such as <|im_start|> in the input.")
    boolean parseSpecial;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file to use instead of the model's.")
    Path tokenizer;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if ((text == null) == (file == null)) {
            throw new IllegalArgumentException("give the text either as an argument or with -f FILE (exactly one)");
        }
        String input = file != null ? Files.readString(file, StandardCharsets.UTF_8) : text;
        Tokenizer tok = LoadedModel.openTokenizerOnly(model, Optional.ofNullable(tokenizer));
        int[] out = tok.encode(input, !noBos, parseSpecial);
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
}
