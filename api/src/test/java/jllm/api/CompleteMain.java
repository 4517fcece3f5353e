package jllm.api;

/** A program a child JVM runs in {@link JvmOptionsTest}: prints the greedy continuation of a prompt. */
public final class CompleteMain {
    private CompleteMain() {
    }

    public static void main(String[] args) {
        try (Model model = Model.open(args[0], Model.Options.DEFAULTS.withThreads(1))) {
            System.out.print(model.complete(args[1], GenerateOptions.builder().temperature(0).maxTokens(20).build()).text());
        }
    }
}
