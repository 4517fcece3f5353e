/**
 * jllm as a library: {@link jllm.api.Model} opens a model and completes, streams, chats, embeds, tokenizes
 * and reads log-probabilities. Chat messages come from {@code jllm.chat} (an automatic module, see its pom).
 */
module jllm.api {
    requires transitive jllm.core;
    requires transitive jllm.chat;

    exports jllm.api;
}
