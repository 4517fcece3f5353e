package jllm.generate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;
import jllm.format.json.Json;

/**
 * The official JSON-Schema-Test-Suite (draft 2020-12, ../shared/testdata/json-schema/test-suite): every
 * required test passes except those whose schema refers to a document the suite serves from its
 * {@code remotes/} folder or to the draft's meta-schemas, which are not in the copy (counted).
 * The format tests of {@code optional/format} run with format assertion on, for the formats
 * {@link Formats#CHECKED} lists.
 */
class SchemaTestSuiteTest {

    record Outcome(int passed, List<String> failed, List<String> needsRemote) {
    }

    @SuppressWarnings("unchecked")
    static Outcome run(Path dir, SchemaValidator.Options options, boolean recurse) throws IOException {
        int passed = 0;
        List<String> failed = new ArrayList<>();
        List<String> remote = new ArrayList<>();
        try (Stream<Path> files = recurse ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                List<Object> groups = (List<Object>) Json.parse(Files.readString(f), f.toString());
                for (Object go : groups) {
                    Map<String, Object> g = (Map<String, Object>) go;
                    for (Object to : (List<Object>) g.get("tests")) {
                        Map<String, Object> t = (Map<String, Object>) to;
                        String name = f.getFileName() + ": " + g.get("description") + " / " + t.get("description");
                        try {
                            boolean valid = SchemaValidator.of(g.get("schema"), options).validate(t.get("data"));
                            if (valid == (Boolean) t.get("valid")) {
                                passed++;
                            } else {
                                failed.add(name);
                            }
                        } catch (SchemaException e) {
                            String m = e.getMessage();
                            String target = m.startsWith("cannot resolve reference") ? m.substring(m.indexOf('(') + 1, m.indexOf(')')) : "";
                            if (target.startsWith("http://localhost:1234") || target.startsWith("https://json-schema.org")) {
                                remote.add(name);
                            } else {
                                failed.add(name + " (" + e.getMessage() + ")");
                            }
                        }
                    }
                }
            }
        }
        return new Outcome(passed, failed, remote);
    }

    @Test
    void requiredTestsPass() throws IOException {
        Path dir = SharedData.require("testdata/json-schema/test-suite/tests/draft2020-12");
        Outcome o = run(dir, SchemaValidator.Options.DEFAULT, false);
        System.out.printf("JSON-Schema-Test-Suite draft2020-12 required: %d passed, %d failed, %d need remote documents%n",
                o.passed(), o.failed().size(), o.needsRemote().size());
        o.failed().forEach(f -> System.out.println("  FAILED " + f));
        assertThat(o.failed()).isEmpty();
        assertThat(o.passed()).isGreaterThan(1000);
    }

    @Test
    void formatTestsPassForTheCheckedFormats() throws IOException {
        Path dir = SharedData.require("testdata/json-schema/test-suite/tests/draft2020-12/optional/format");
        Outcome o = run(dir, new SchemaValidator.Options(true), false);
        System.out.printf("optional/format with assertion: %d passed, %d failed%n", o.passed(), o.failed().size());
        java.util.TreeMap<String, Integer> failedBy = new java.util.TreeMap<>();
        o.failed().forEach(f -> failedBy.merge(f.substring(0, f.indexOf(".json")), 1, Integer::sum));
        System.out.println("  failed by format (unchecked formats are annotations, so their invalid cases 'fail'): " + failedBy);
        // these formats are checked in full; the others (email, hostname, uri ...) accept a superset
        for (String strict : List.of("date", "date-time", "time", "uuid", "ipv4", "ipv6")) {
            assertThat(failedBy.getOrDefault(strict, 0)).as(strict).isZero();
        }
    }
}
