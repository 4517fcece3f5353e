/**
 * Chat templates: turning a conversation ({@link jllm.chat.ChatMessage}s) into the prompt text a model
 * was trained on, by rendering the Hugging Face / GGUF Jinja template shipped with the model.
 *
 * <pre>{@code
 * ChatTemplate template = ChatTemplate.of(jinjaSource);          // parse once
 * String prompt = template.render(messages, true, "<s>", "</s>"); // per request
 * String suffix = template.generationPrompt("<s>", "</s>");       // e.g. "<|im_start|>assistant\n"
 * }</pre>
 *
 * <p>{@link jllm.chat.ChatTemplate} renders with jinjava configured as transformers configures Jinja2
 * ({@code trim_blocks}, {@code lstrip_blocks}, {@code raise_exception}, {@code strftime_now}, a
 * {@code json.dumps}-compatible {@code tojson}, Python string and dict methods, loop filters and
 * controls). Templates are untrusted input from model files: a render reaches only plain data and is
 * bounded by {@link jllm.chat.ChatTemplateOptions}. {@link jllm.chat.ChatTemplates#fallback()} is ChatML
 * for models without a template.
 */
package jllm.chat;
