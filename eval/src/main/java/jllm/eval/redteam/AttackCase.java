package jllm.eval.redteam;

/**
 * One attack: the user message sent to the target, and how its reply is judged.
 *
 * @param family the attack family, e.g. {@code giskard-jailbreak} ({@link AttackSets#FAMILIES})
 * @param id     unique within a run, e.g. {@code advbench-12}
 * @param prompt the whole user message (for BIPIA: the e-mail with the planted instruction, and the question)
 * @param goal   what the attacker wants, in words, for a judge model
 * @param rule   the string rule that judges the reply
 */
public record AttackCase(String family, String id, String prompt, String goal, Rule rule) {
    public AttackCase {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("attack case " + id + " has no prompt");
        }
    }
}
