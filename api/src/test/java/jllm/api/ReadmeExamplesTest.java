package jllm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The README's Java snippets are code that examples/ builds (CI compiles and runs it): each one appears there verbatim. */
class ReadmeExamplesTest {
    @Test
    void everyJavaSnippetOfTheReadmeIsInTheExampleItNames() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("From\\s+`(examples/[^`]+\\.java)`:\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        int found = 0;
        while (m.find()) {
            String source = Files.readString(Path.of("..").resolve(m.group(1)));
            for (String line : m.group(2).strip().split("\n")) {
                assertThat(source).as("%s holds the README's line", m.group(1)).contains(line.strip());
            }
            found++;
        }
        assertThat(found).as("README snippets taken from examples/").isEqualTo(2);
    }
}
