package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code ./jllm}: an error line is on stderr by the time the launcher exits, even when
 * its stderr filter is slow. The launcher runs as it is, from a copy of the jllm folder holding only the
 * script, scripts/jdk.sh and a cli/target/jllm.jar that points at the classes under test (so it neither
 * rebuilds nor runs a stale jar).
 */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void errorsArriveBeforeTheLauncherExits() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(repo.resolve("jllm")), "skipped: the launcher ../jllm is not beside the cli module");
        Optional<Path> grep = onPath("grep");
        assumeTrue(grep.isPresent() && onPath("bash").isPresent(), "skipped: bash and grep are needed to run the launcher");

        Path root = tmp.resolve("jllm-folder");
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.copy(repo.resolve("jllm"), root.resolve("jllm"));
        Files.copy(repo.resolve("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
        writeJar(root.resolve("cli/target/jllm.jar"));
        // a slow filter: it reads all its input, then takes 0.3 s before it writes; unless the launcher waits for
        // it, the error line comes after the exit
        Path shims = Files.createDirectories(tmp.resolve("shims"));
        Path slowGrep = Files.writeString(shims.resolve("grep"), "#!/bin/sh\ninput=$(cat)\nsleep 0.3\n"
                + "printf '%s\\n' \"$input\" | " + grep.get() + " \"$@\"\n");
        Files.setPosixFilePermissions(slowGrep, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path missing = tmp.resolve("missing.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("jllm").toString(), "run", "-f", missing.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        pb.environment().put("PATH", shims + File.pathSeparator + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(err, StandardCharsets.UTF_8); // read at once: what is there at the exit
        assertThat(p.exitValue()).as(text).isEqualTo(1);
        assertThat(text).isEqualTo("jllm: no such file: " + missing + "\n");
    }

    /** A jar that runs jllm's Main from the test classpath (the manifest's Class-Path lists it). */
    private static void writeJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }

    private static Optional<Path> onPath(String name) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }
}
