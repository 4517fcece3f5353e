/**
 * A model's reply text read back into what OpenAI's API returns: {@code content}, {@code reasoning_content}
 * and {@code tool_calls}. Each template family writes calls its own way; {@link jllm.chat.reply.ReplyFormat}
 * names them and is chosen from the template's source (as llama.cpp chooses), and
 * {@link jllm.chat.reply.ReplyParser} reads a reply whole or as it streams.
 *
 * <pre>{@code
 * ReplyFormat format = ReplyFormat.of(template.source(), renderedPrompt);
 * ReplyParser parser = format.parser(tools, "call_");
 * for (String piece : stream) { events.addAll(parser.feed(piece)); }
 * events.addAll(parser.finish());
 * }</pre>
 */
package jllm.chat.reply;
