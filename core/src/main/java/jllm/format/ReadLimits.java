package jllm.format;

/**
 * Bounds a reader enforces on top of "never past the end of the file": they keep a hostile file that
 * is large on disk from making a reader allocate absurd amounts or recurse deeply.
 *
 * @param maxStringBytes  longest string (metadata key or value, tensor name)
 * @param maxArrayLength  most elements in one metadata array
 * @param maxArrayDepth   deepest nesting of arrays in arrays
 * @param maxTensors      most tensors in one file
 * @param maxMetadata     most metadata key/value pairs
 * @param maxHeaderBytes  largest JSON header (safetensors)
 */
public record ReadLimits(long maxStringBytes, long maxArrayLength, int maxArrayDepth, long maxTensors,
                         long maxMetadata, long maxHeaderBytes) {

    /** Generous limits that every real model satisfies (vocabularies of millions of tokens included). */
    public static final ReadLimits DEFAULT = new ReadLimits(
            64L << 20, 1L << 28, 16, 1L << 20, 1L << 20, 256L << 20);
}
