/**
 * Tasks whose answers can be checked exactly: a seeded generator of problems, their worked solutions as
 * chats (what a model is trained on), an exact checker of a model's reply (the reward of GRPO, the
 * verifier of test-time compute), and a fixed held-out set disjoint from the training problems.
 */
package jllm.train.task;
