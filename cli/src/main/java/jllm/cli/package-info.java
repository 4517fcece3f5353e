/**
 * The {@code jllm} command line: one picocli subcommand per job (run, chat, predict, tokenize, inspect,
 * perplexity, bench, quantize, convert). Results go to standard output, diagnostics to standard error;
 * errors are one line unless {@code --verbose}.
 */
package jllm.cli;
