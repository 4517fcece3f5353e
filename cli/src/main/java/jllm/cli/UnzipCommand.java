package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.compress.Jz;
import jllm.compress.JzHeader;
import jllm.compress.ModelHash;
import jllm.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm unzip IN.jz [-o OUT]}: restores a file made by {@code jllm zip}, with the same model. */
@Command(name = "unzip", description = "Decompress a file made by 'jllm zip' (needs the same model; verifies the checksum).")
final class UnzipCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.jz", description = "Compressed file.")
    Path input;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "Model file (default: the built-in model).")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output file (default: IN without .jz).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output file.")
    boolean force;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must not be negative");
        }
        String name = input.toString();
        Path out = output != null ? output : Path.of(name.endsWith(".jz") ? name.substring(0, name.length() - 3) : name + ".out");
        ZipCommand.refuseOverwrite(out, force);
        byte[] jz = InputFiles.readAllBytes(input, "a .jz file made by jllm zip");
        JzHeader header = JzHeader.read(jz).header();
        Path modelPath = BuiltinModel.orDefault(model, BuiltinModel.AS_OPTION);
        byte[] sha = ModelHash.of(modelPath);
        Jz.checkModel(header, sha); // before loading: a clear refusal, not garbage
        try (LoadedModel m = LoadedModel.open(modelPath, new LoadedModel.Options(Optional.empty(), threads))) {
            ZipCommand.ProgressBar bar = new ZipCommand.ProgressBar("unzip", quiet);
            byte[] data = Jz.unzip(m, sha, jz, bar);
            bar.done();
            Files.write(out, data);
            System.err.printf(Locale.ROOT, "jllm: %s -> %s: %,d bytes, checksum ok, %.1f KB/s%n", input, out, data.length,
                    bar.kbPerSecond(data.length));
        }
        return 0;
    }
}
