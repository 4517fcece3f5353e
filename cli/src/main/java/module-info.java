/** The command line ({@code jllm run, chat, serve, train, ...}): picocli subcommands over the other modules. */
module jllm.cli {
    requires jllm.core;
    requires jllm.chat;
    requires jllm.eval;
    requires jllm.train;
    requires jllm.server;
    requires jllm.compress;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.logging;

    exports jllm.cli;

    // picocli sets the commands' annotated (private) fields reflectively
    opens jllm.cli to info.picocli;
}
