package jllm.cli;

import picocli.CommandLine.Option;

/** The token that ends an assistant's reply in a chat: shared by sft, dpo, grpo, reason and scorer. */
final class EndOfTurnOption {
    @Option(names = "--end-of-turn", paramLabel = "TEXT", description = "The token ending a reply (default: ${DEFAULT-VALUE}).")
    String endOfTurn = "<|im_end|>";
}
