package jllm.cli;

import java.util.List;

import jllm.train.task.Arithmetic;
import picocli.CommandLine.Option;

/** Which arithmetic problems a command uses: operations and digit range, shared by task, reason and grpo. */
final class ArithmeticOptions {
    @Option(names = "--task", paramLabel = "NAME", description = "The verifiable task (default: ${DEFAULT-VALUE}; the only one so far).")
    String task = "arithmetic";

    @Option(names = "--ops", split = ",", paramLabel = "OPS", description = "Operations: add, sub, mul (default: all).")
    List<String> ops = List.of("add", "sub", "mul");

    @Option(names = "--digits", paramLabel = "A-B", description = "Digits per operand, a range within 2-4 (default: ${DEFAULT-VALUE}).")
    String digits = "2-4";

    List<Arithmetic.Op> ops() {
        if (!task.equals("arithmetic")) {
            throw new IllegalArgumentException("unknown task '" + task + "': the only task is arithmetic");
        }
        return ops.stream().map(Arithmetic.Op::parse).distinct().toList();
    }

    int minDigits() {
        return range()[0];
    }

    int maxDigits() {
        return range()[1];
    }

    private int[] range() {
        String[] p = digits.split("-", -1);
        try {
            int lo = Integer.parseInt(p[0].trim());
            int hi = p.length == 1 ? lo : Integer.parseInt(p[1].trim());
            if (p.length > 2 || lo < Arithmetic.MIN_DIGITS || hi > Arithmetic.MAX_DIGITS || lo > hi) {
                throw new NumberFormatException();
            }
            return new int[]{lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--digits takes a range within 2-4 such as 3 or 2-4, not '" + digits + "'");
        }
    }
}
