package jllm.train.scale;

/**
 * One finished run of a sweep, as {@code scaling.json} and {@code runs/NAME.json} record it.
 *
 * @param name                  {@code WIDTHxLAYERS-TOKENS}
 * @param dim                   width
 * @param layers                depth
 * @param nParams               all parameters
 * @param nParamsNonEmbedding   parameters outside the (tied) embedding: the N of the fits
 * @param nTokens               training tokens seen (steps x batch x context)
 * @param steps                 optimizer steps
 * @param valLoss               mean loss over every window of the validation split (nats per token)
 * @param compute               6 N D with N all parameters
 * @param tokensPerS            training tokens per second (wall time of the steps)
 * @param seconds               wall time of the steps
 */
public record ScalingRun(String name, int dim, int layers, long nParams, long nParamsNonEmbedding, long nTokens, int steps,
                         double valLoss, double compute, double tokensPerS, double seconds) {

    /** The run as the fits see it (N non-embedding). */
    public Observation observation() {
        return new Observation(nParamsNonEmbedding, nTokens, valLoss);
    }
}
