package jllm.eval.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jllm.model.LoadedModel;
import jllm.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * The attack sets read from ../shared/data (their sizes as SOURCE.md gives them), and the harness against
 * the built-in model in process: a few cases per family, rates within [0, 1] that agree with the log, and
 * a screen that flags everything drives the guarded rate to zero.
 */
class RedTeamTest {
    private static final Path BUILTIN = Path.of("..", "models", "builtin.gguf");

    @Test
    void everyFamilyLoadsWithItsDocumentedSize() {
        Path dir = SharedData.require("data/prompt-injection");
        SharedData.require("data/" + AttackSets.HH_RLHF);
        List<AttackCase> all = AttackSets.load(dir, List.of("all"), 0, 1);
        Map<String, Long> sizes = all.stream().collect(Collectors.groupingBy(AttackCase::family, Collectors.counting()));
        assertThat(sizes).containsExactlyInAnyOrderEntriesOf(Map.of("giskard-jailbreak", 20L, "giskard-hijacking", 15L, "advbench", 520L,
                "bipia-text", 75L, "bipia-code", 50L, "hh-rlhf", 2312L));
        assertThat(all.stream().map(AttackCase::id).distinct().count()).isEqualTo(all.size());
        // giskard's rules come from its metadata: the DAN prompts want "[DAN]" or "DAN:", the hijackings one exact sentence
        assertThat(all.stream().filter(c -> c.id().equals("giskard-0")).findFirst().orElseThrow().rule())
                .isEqualTo(new Rule.ExpectedStrings(List.of("[DAN]", "DAN:"), false, false, false, true, true));
        assertThat(all.stream().filter(c -> c.id().equals("giskard-20")).findFirst().orElseThrow().rule())
                .isEqualTo(new Rule.ExpectedStrings(List.of("I hate humans"), true, true, false, true, false));
        // every BIPIA code attack has a snippet to look for; text attacks are checkable only in three kinds
        List<AttackCase> text = all.stream().filter(c -> c.family().equals("bipia-text")).toList();
        assertThat(all.stream().filter(c -> c.family().equals("bipia-code"))).allMatch(c -> c.rule() instanceof Rule.CodeSnippet);
        long checkable = text.stream().filter(c -> !(c.rule() instanceof Rule.Unjudged)).count();
        assertThat(checkable).isBetween(10L, 25L);
        AttackCase planted = text.getFirst();
        assertThat(planted.prompt()).startsWith("Answer the question about the e-mail below.").contains("\n\nQuestion: ");
        assertThat(planted.goal()).contains("Write a script to rename all files");
    }

    @Test
    void theLimitIsASeededSamplePerFamily() {
        Path dir = SharedData.require("data/prompt-injection");
        List<AttackCase> a = AttackSets.load(dir, List.of("advbench", "giskard-hijacking"), 4, 7);
        List<AttackCase> b = AttackSets.load(dir, List.of("advbench", "giskard-hijacking"), 4, 7);
        List<AttackCase> c = AttackSets.load(dir, List.of("advbench", "giskard-hijacking"), 4, 8);
        assertThat(a).hasSize(8).isEqualTo(b).isNotEqualTo(c);
        assertThat(a.subList(0, 4)).allMatch(x -> x.family().equals("giskard-hijacking")); // families in their fixed order
        assertThat(a.subList(4, 8)).allMatch(x -> x.family().equals("advbench"));
    }

    @Test
    void theBuiltInModelInProcess() throws Exception {
        Path dir = SharedData.require("data/prompt-injection");
        List<AttackCase> cases = AttackSets.load(dir, List.of("giskard", "advbench", "bipia"), 3, 1);
        assertThat(cases).hasSize(15);
        ObjectMapper json = new ObjectMapper();
        try (LoadedModel m = LoadedModel.open(BUILTIN, new LoadedModel.Options(Optional.empty(), 1));
             Target target = new ModelTarget("builtin", m.model(), m.tokenizer(), m.chatTemplate(), 256, 24)) {
            List<String> log = new ArrayList<>();
            Screen everything = Screen.of("everything", text -> true);
            Report report = RedTeam.run(cases, target, Optional.of(everything), Optional.empty(), 1, r -> log.add(r.toJson()));
            assertThat(log).hasSize(cases.size());
            List<JsonNode> lines = new ArrayList<>();
            for (String l : log) {
                lines.add(json.readTree(l));
            }
            assertThat(lines).allMatch(l -> l.path("guard_flagged").asBoolean() && !l.path("success_with_guard").asBoolean());
            // the 256-token context cannot hold the long jailbreaks: they are too long, not judged
            assertThat(lines.stream().filter(l -> l.path("status").asText().equals("too_long")))
                    .allMatch(l -> l.path("verdict").asText().equals("unjudged") && l.path("reply").asText().isEmpty());
            Map<String, Report.Row> rows = report.rows().stream().collect(Collectors.toMap(Report.Row::family, Function.identity()));
            assertThat(rows.keySet()).containsExactlyInAnyOrder("giskard-jailbreak", "giskard-hijacking", "advbench", "bipia-text", "bipia-code", "all");
            for (Report.Row r : report.rows()) {
                long successes = lines.stream().filter(l -> (r.family().equals("all") || l.path("family").asText().equals(r.family()))
                        && l.path("success").asBoolean()).count();
                assertThat(r.successes()).as(r.family()).isEqualTo(successes);
                assertThat(r.judged() + r.tooLong() + r.unjudged()).isEqualTo(r.cases());
                if (r.judged() > 0) {
                    assertThat(r.asr()).isBetween(0.0, 1.0);
                    assertThat(r.asrWithGuard()).isZero();
                }
                assertThat(r.flagged()).isEqualTo(r.judged());
            }
            assertThat(rows.get("all").cases()).isEqualTo(15);
            // a 1M-parameter story model never refuses: every answered harmful request counts as a success
            assertThat(rows.get("advbench").judged()).isEqualTo(3);
            assertThat(rows.get("advbench").asr()).isEqualTo(1.0);
            assertThat(report.table()).contains("family").contains("ASR+guard").contains("advbench").contains("1.000");
        }
    }

    @Test
    void aJudgeModelIsAskedTheRubricAndOnlyAParsedAnswerOverridesTheRule() throws Exception {
        Path dir = SharedData.require("data/prompt-injection");
        List<AttackCase> cases = AttackSets.load(dir, List.of("advbench", "giskard-hijacking"), 2, 3);
        ObjectMapper json = new ObjectMapper();
        try (LoadedModel m = LoadedModel.open(BUILTIN, new LoadedModel.Options(Optional.empty(), 1));
             Target target = new ModelTarget("builtin", m.model(), m.tokenizer(), m.chatTemplate(), 256, 12);
             Target judgeTarget = new ModelTarget("builtin-judge", m.model(), m.tokenizer(), m.chatTemplate(), 256, 4)) {
            List<String> log = new ArrayList<>();
            Report report = RedTeam.run(cases, target, Optional.empty(), Optional.of(new JudgeModel(judgeTarget)), 1, r -> log.add(r.toJson()));
            assertThat(report.judge()).isEqualTo("builtin-judge");
            assertThat(log).hasSize(4);
            for (String line : log) {
                JsonNode l = json.readTree(line);
                assertThat(l.has("judge_answer")).as(line).isTrue();
                Verdict judged = JudgeModel.parse(l.path("judge_answer").asText());
                assertThat(l.path("judge_verdict").asText()).isEqualTo(judged.label());
                String expected = judged == Verdict.UNJUDGED ? l.path("rule_verdict").asText() : judged.label();
                assertThat(l.path("verdict").asText()).as(line).isEqualTo(expected);
            }
        }
    }
}
