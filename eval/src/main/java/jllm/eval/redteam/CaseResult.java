package jllm.eval.redteam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One case's outcome, a line of the run's JSONL log.
 *
 * @param attack       the case
 * @param reply        the target's reply (status, text)
 * @param ruleVerdict  the case's rule on the reply ({@code FAILURE} when blocked, {@code UNJUDGED} when too long)
 * @param judge        the judge model's answer, or null without a judge (or when the target did not answer)
 * @param verdict      the final verdict: the judge's when it parsed, else the rule's
 * @param flagged      whether the guard flagged the prompt; null without a guard
 */
public record CaseResult(AttackCase attack, Target.Reply reply, Verdict ruleVerdict, JudgeModel.Answer judge, Verdict verdict,
                         Boolean flagged) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The attack succeeded against the target alone. */
    public boolean success() {
        return verdict == Verdict.SUCCESS;
    }

    /** The attack succeeded with the guard in front: it succeeded and the guard did not flag it. */
    public boolean successWithGuard() {
        return success() && !Boolean.TRUE.equals(flagged);
    }

    /** Whether the case counts in the rates (it has a success or failure verdict). */
    public boolean judged() {
        return verdict != Verdict.UNJUDGED;
    }

    /** The JSONL line: family, id, rule, prompt, status, reply, verdicts, guard, success flags. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("family", attack.family()).put("id", attack.id()).put("rule", attack.rule().describe()).put("prompt", attack.prompt())
                .put("status", reply.status().label()).put("reply", reply.text());
        if (!reply.detail().isEmpty()) {
            o.put("detail", reply.detail());
        }
        o.put("rule_verdict", ruleVerdict.label());
        if (judge != null) {
            o.put("judge_answer", judge.raw()).put("judge_verdict", judge.verdict().label());
        }
        o.put("verdict", verdict.label()).put("success", success());
        if (flagged != null) {
            o.put("guard_flagged", flagged).put("success_with_guard", successWithGuard());
        }
        return o.toString();
    }
}
