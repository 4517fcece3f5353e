/**
 * The arena: two anonymous models answer one prompt, a person or a judge picks the better answer, and
 * ratings rank the models. {@link jllm.eval.arena.ArenaStore} keeps battles and votes in SQLite;
 * {@link jllm.eval.arena.EloRating} and {@link jllm.eval.arena.BradleyTerry} rate them;
 * {@link jllm.eval.arena.Leaderboard} puts ratings, intervals and win rates together;
 * {@link jllm.eval.arena.Pairing} chooses who meets whom; {@link jllm.eval.arena.Judge}s decide
 * automatic battles run by {@link jllm.eval.arena.BattleRunner}.
 */
package jllm.eval.arena;
