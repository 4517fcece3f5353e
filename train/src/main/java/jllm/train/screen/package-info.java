/**
 * Screening a training corpus for poisoning before it is trained on: exact and near duplicates, planted
 * triggers, outliers ({@link jllm.train.screen.CorpusScreen}; {@code jllm train --screen report|drop}).
 */
package jllm.train.screen;
