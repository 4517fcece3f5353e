/**
 * Where model files come from: {@code hf:OWNER/REPO[:QUANT|/FILE]} names, the Hugging Face cache on disk
 * (the layout of the {@code huggingface_hub} Python library, so files are shared with Python tools) and a
 * downloader that fills it ({@link jllm.hub.HfHub}) with resume and sha256 checks.
 */
package jllm.hub;
