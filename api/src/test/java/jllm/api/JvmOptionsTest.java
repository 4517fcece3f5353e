package jllm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jllm.kernel.JvmOptions;
import org.junit.jupiter.api.Test;

/** The JVM options the kernels want: one list, used everywhere, and a program started without them still works. */
class JvmOptionsTest {

    @Test
    void aProgramStartedWithoutTheOptionsWorksAfterOneWarning() throws Exception {
        assumeTrue(Files.exists(ModelApiTest.BUILTIN), "skipped: the built-in model is missing");
        String prompt = "Once upon a time";
        String expected;
        try (Model m = Model.open(ModelApiTest.BUILTIN, Model.Options.DEFAULTS.withThreads(1))) {
            expected = m.complete(prompt, GenerateOptions.builder().temperature(0).maxTokens(20).build()).text();
        }
        Child plain = run(List.of(), prompt);
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo(expected);
        assertThat(count(plain.err(), "started without --add-modules jdk.incubator.vector")).as(plain.err()).isEqualTo(1);
        assertThat(plain.err()).contains(JvmOptions.line()).doesNotContain("Exception");

        Child flagged = run(JvmOptions.FLAGS, prompt);
        assertThat(flagged.exit()).as(flagged.err()).isZero();
        assertThat(flagged.out()).isEqualTo(expected);
        assertThat(flagged.err()).doesNotContain("started without");
    }

    @Test
    void theLauncherAndTheBuildUseTheseOptions() throws IOException {
        String launcher = Files.readString(Path.of("..", "jllm"));
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = Pattern.compile("<jvm.flags>(.*)</jvm.flags>").matcher(pom);
        assertThat(m.find()).as("the root pom's jvm.flags").isTrue();
        assertThat(m.group(1)).contains(JvmOptions.line());
        // the java command: the line with --add-modules and the lines it continues onto (ending in '\')
        List<String> lines = launcher.lines().toList();
        int at = 0;
        while (!lines.get(at).contains("--add-modules")) {
            at++;
        }
        StringBuilder command = new StringBuilder(lines.get(at));
        while (lines.get(at).endsWith("\\")) {
            command.append('\n').append(lines.get(++at));
        }
        for (String flag : JvmOptions.FLAGS) {
            assertThat(command).as("the launcher's java command").contains(flag);
        }
    }

    private record Child(int exit, String out, String err) {
    }

    private static Child run(List<String> flags, String prompt) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", cp, CompleteMain.class.getName(), ModelApiTest.BUILTIN.toString(), prompt));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child JVM finished").isTrue();
        return new Child(p.exitValue(), out, err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
