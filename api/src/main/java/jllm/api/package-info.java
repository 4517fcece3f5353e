/**
 * jllm as a library: open a model, then complete, stream, chat, embed, tokenize and read log-probabilities.
 *
 * <pre>{@code
 * try (Model model = Model.open("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M")) {  // or a file or folder
 *     GenerateOptions greedy = GenerateOptions.builder().temperature(0).maxTokens(200).build();
 *
 *     Completion reply = model.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("What is a GGUF file?")), greedy);
 *     System.out.println(reply.text());
 *
 *     model.stream("Once upon a time", greedy, System.out::print);              // pieces as they come
 *
 *     GenerateOptions json = greedy.toBuilder()
 *             .jsonSchema("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}")
 *             .build();
 *     String person = model.chat(List.of(ChatMessage.user("Invent a person")), json).text(); // valid JSON
 *
 *     List<float[]> vectors = model.embed(List.of("a cat", "a dog"));            // L2-normalized
 *     List<NextToken> next = model.logprobs("The capital of France is", 5);
 * }
 * }</pre>
 *
 * <p>The JVM runs the kernels fastest with the options in {@link jllm.kernel.JvmOptions}; without them
 * everything still works, on the scalar kernels, after one warning.
 */
package jllm.api;
