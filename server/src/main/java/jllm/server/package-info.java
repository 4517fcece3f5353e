/**
 * An OpenAI-compatible HTTP server on Javalin: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}, {@code /health}, {@code /metrics}, and a web chat page at
 * {@code /}. Each model runs in an {@link jllm.server.Engine}: a fixed set of slots (sequences with
 * their KV caches) fed from a bounded queue, whose decode steps are batched together. With
 * {@link jllm.server.ArenaRoutes} (added through {@link jllm.server.OpenAiServer.Extension}) it also serves
 * the arena: {@code /arena.html}, {@code /leaderboard.html} and their API under {@code /arena/api/}.
 */
package jllm.server;
