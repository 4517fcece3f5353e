/**
 * Chat: messages, the models' Jinja chat templates (rendered by jinjava), tools, and replies read back into
 * content, reasoning and tool calls.
 *
 * <p>jinjava is neither a named module nor declares an {@code Automatic-Module-Name}, so on the module path its
 * name, {@code jinjava}, comes from its jar's file name ({@code jinjava-VERSION.jar}, as Maven and Gradle name
 * it). That is fragile (a renamed jar, or a jinjava release that declares a name, breaks the {@code requires}),
 * but the alternative, leaving this module unnamed, would leave every module that uses chat unnamed too. On the
 * class path none of this matters.
 */
@SuppressWarnings("requires-automatic")
module jllm.chat {
    requires transitive jllm.core;
    requires jinjava;
    requires java.desktop; // java.beans, for jinjava's EL resolvers

    exports jllm.chat;
    exports jllm.chat.reply;
}
