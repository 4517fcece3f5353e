package jllm.cli;

/** Entry point of the {@code jllm} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("jllm");
    }
}
