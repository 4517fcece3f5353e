/** The llama architecture (Llama 2/3.x, Mistral, SmolLM, llama2.c). */
package jllm.model.llama;
