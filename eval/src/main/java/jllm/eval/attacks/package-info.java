/**
 * The attack data sets (giskard, BIPIA, AdvBench, HH-RLHF red-team turns) read from their files, for the
 * guard's training data and the red-team harness.
 */
package jllm.eval.attacks;
