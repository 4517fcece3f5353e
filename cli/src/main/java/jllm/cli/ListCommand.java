package jllm.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

import jllm.hub.HfCache;
import picocli.CommandLine.Command;

/** {@code jllm list}: the models in the Hugging Face cache, with their size and path. */
@Command(name = "list", description = "List pulled models (the Hugging Face cache, whoever downloaded them): name, size, path.")
final class ListCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        HfCache cache = HfCache.fromEnvironment();
        List<HfCache.Entry> entries = cache.list();
        if (entries.isEmpty()) {
            System.err.println("jllm list: no models in " + cache.root() + "; jllm pull hf:OWNER/REPO:QUANT fetches one");
            return 0;
        }
        int w = entries.stream().mapToInt(e -> e.name().toString().length()).max().orElse(4);
        PrintStream out = Console.out();
        out.printf("%-" + w + "s  %10s  %s%n", "NAME", "SIZE", "PATH");
        for (HfCache.Entry e : entries) {
            out.printf("%-" + w + "s  %10s  %s%n", e.name(), PullCommand.size(e.bytes()), e.path());
        }
        return 0;
    }
}
