package jllm.train.scale;

/**
 * One trained model as the fits see it.
 *
 * @param params parameters N (the count the fit is over: non-embedding in a sweep)
 * @param tokens training tokens D
 * @param loss   final validation loss (nats per token)
 */
public record Observation(double params, double tokens, double loss) {
}
