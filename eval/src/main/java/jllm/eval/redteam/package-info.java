/**
 * The red-team harness: attack cases from the attack data sets ({@link jllm.eval.redteam.AttackSets}), sent
 * to a {@link jllm.eval.redteam.Target} (a model in process, or an OpenAI-compatible URL), each reply judged
 * by its case's {@link jllm.eval.redteam.Rule} (and optionally a {@link jllm.eval.redteam.JudgeModel}), with
 * an optional guard {@link jllm.eval.redteam.Screen}; {@link jllm.eval.redteam.RedTeam#run} returns the
 * attack success rate per family with and without the guard.
 */
package jllm.eval.redteam;
