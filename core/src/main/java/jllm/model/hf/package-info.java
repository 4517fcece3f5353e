/**
 * Hugging Face checkpoints in GGUF's vocabulary: {@code config.json} read in both key styles
 * ({@link jllm.model.hf.HfConfig}), tensor names mapped ({@link jllm.model.hf.HfNames}), and each
 * family's {@link jllm.model.hf.HfConversion}, which writes exactly what llama.cpp's converter writes.
 * A folder is loaded by converting it in memory ({@link jllm.model.hf.HfCheckpoint}), so a folder and
 * its converted GGUF run the same code; {@link jllm.model.hf.HfGgufExport} writes that GGUF, byte for byte
 * what the converter writes.
 */
package jllm.model.hf;
