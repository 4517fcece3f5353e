package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import jllm.format.json.Json;
import jllm.train.task.Arithmetic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jllm task --problems N -o FILE}: writes training problems of a verifiable task with worked solutions. */
@Command(name = "task", description = "Write training problems of a verifiable task (arithmetic) with worked solutions: "
        + "chat JSONL for sft, or text JSONL for train. Never writes held-out problems.")
final class TaskCommand implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Output JSONL file.")
    Path out;

    @Option(names = "--problems", paramLabel = "N", description = "Problems to write (default: ${DEFAULT-VALUE}).")
    int problems = 10000;

    @Option(names = "--format", paramLabel = "FORMAT", description = "chat ({\"messages\": ...}, for sft) or text ({\"text\": ...}, for train) (default: ${DEFAULT-VALUE}).")
    String format = "chat";

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Mixin
    ArithmeticOptions task;

    @Override
    public Integer call() throws Exception {
        if (problems < 1) {
            throw new IllegalArgumentException("--problems must be at least 1, got " + problems);
        }
        List<Arithmetic.Problem> ps = Arithmetic.trainingSet(seed, task.ops(), task.minDigits(), task.maxDigits(), problems);
        String text = switch (format) {
            case "chat" -> Arithmetic.chatJsonl(ps);
            case "text" -> {
                StringBuilder sb = new StringBuilder();
                for (Arithmetic.Problem p : ps) {
                    sb.append("{\"text\": ").append(Json.quote(p.question() + "\n" + p.solution())).append("}\n");
                }
                yield sb.toString();
            }
            default -> throw new IllegalArgumentException("--format is chat or text, not '" + format + "'");
        };
        Files.writeString(out, text);
        Console.out().printf("%s: %d %s problems (%s, %s digits) with worked solutions%n", out, problems, task.task,
                String.join(",", task.ops), task.digits);
        Console.out().flush();
        return 0;
    }
}
