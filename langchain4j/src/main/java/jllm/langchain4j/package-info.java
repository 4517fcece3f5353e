/**
 * LangChain4j on jllm, in process (no HTTP): {@link jllm.langchain4j.JllmChatModel},
 * {@link jllm.langchain4j.JllmStreamingChatModel} and {@link jllm.langchain4j.JllmEmbeddingModel} over a
 * {@link jllm.api.Model}. Structured outputs (a JSON-schema response format) are decoded under the schema's
 * grammar; tool specifications become the model's tools and its calls {@code ToolExecutionRequest}s.
 *
 * <pre>{@code
 * interface Assistant { String chat(String message); }
 *
 * try (Model model = Model.open("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M")) {
 *     Assistant assistant = AiServices.create(Assistant.class, new JllmChatModel(model));
 *     System.out.println(assistant.chat("What is a GGUF file?"));
 * }
 * }</pre>
 */
package jllm.langchain4j;
