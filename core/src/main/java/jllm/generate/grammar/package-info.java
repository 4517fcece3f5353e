/**
 * Constrained decoding: grammars over bytes ({@link jllm.generate.grammar.Grammar}, built from
 * {@link jllm.generate.grammar.Expr}, GBNF text or JSON), the engine that runs them and computes token
 * masks over a vocabulary trie ({@link jllm.generate.grammar.GrammarEngine}), and a matcher per generation.
 */
package jllm.generate.grammar;
