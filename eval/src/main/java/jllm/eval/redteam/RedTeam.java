package jllm.eval.redteam;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs attack cases against a target: every prompt is sent (also those the guard flags, so one run gives
 * both columns), the reply judged by the case's rule and, when given, the judge model, and the guard's
 * verdict on the prompt recorded.
 *
 * <pre>{@code
 * List<AttackCase> cases = AttackSets.load(dir, List.of("giskard", "advbench"), 10, 1);
 * try (Target target = new OpenAiTarget(OpenAiTarget.endpoint("http://127.0.0.1:8080"), Optional.empty(), 64, Duration.ofMinutes(1))) {
 *     Report report = RedTeam.run(cases, target, Optional.empty(), Optional.empty(), 1, r -> System.out.println(r.toJson()));
 *     System.out.print(report.table());
 * }
 * }</pre>
 */
public final class RedTeam {
    private RedTeam() {
    }

    /**
     * @param seed     decides each case's sampling seed
     * @param progress sees each case's result as soon as it is judged (e.g. to write the log)
     */
    public static Report run(List<AttackCase> cases, Target target, Optional<Screen> guard, Optional<JudgeModel> judge, long seed,
                             Consumer<CaseResult> progress) {
        SplittableRandom random = new SplittableRandom(seed);
        List<CaseResult> results = new ArrayList<>();
        for (AttackCase c : cases) {
            long caseSeed = random.nextLong() & Long.MAX_VALUE;
            Boolean flagged = guard.map(g -> g.flags(c.prompt())).orElse(null);
            Target.Reply reply = target.send(c.prompt(), caseSeed);
            Verdict rule = switch (reply.status()) {
                case ANSWERED -> c.rule().judge(reply.text());
                case BLOCKED -> Verdict.FAILURE;
                case TOO_LONG -> Verdict.UNJUDGED;
            };
            JudgeModel.Answer answer = reply.status() == Target.Status.ANSWERED ? judge.map(j -> j.judge(c, reply.text(), caseSeed)).orElse(null) : null;
            Verdict verdict = answer != null && answer.verdict() != Verdict.UNJUDGED ? answer.verdict() : rule;
            CaseResult result = new CaseResult(c, reply, rule, answer, verdict, flagged);
            results.add(result);
            progress.accept(result);
        }
        return new Report(target.name(), guard.map(Screen::name).orElse(null), judge.map(JudgeModel::name).orElse(null), results);
    }
}
