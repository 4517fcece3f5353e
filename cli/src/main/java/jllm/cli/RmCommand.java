package jllm.cli;

import java.util.concurrent.Callable;

import jllm.hub.HfCache;
import jllm.hub.HfName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jllm rm NAME}: deletes a pulled model from the Hugging Face cache. */
@Command(name = "rm", description = "Delete a pulled model from the Hugging Face cache (hf:OWNER/REPO deletes the whole repository).")
final class RmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "hf:OWNER/REPO[:QUANT|/FILE], as jllm list shows it")
    String name;

    @Override
    public Integer call() {
        HfName n = HfName.parse(name);
        long freed = HfCache.fromEnvironment().remove(n);
        System.err.println("jllm rm: removed " + n + " (" + PullCommand.size(freed) + " freed)");
        return 0;
    }
}
