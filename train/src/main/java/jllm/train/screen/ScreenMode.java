package jllm.train.screen;

/** What training does with the corpus screen. */
public enum ScreenMode {
    /** No screen. */
    OFF,
    /** Screen and write the report ({@code screen.tsv}), but train on every document. */
    REPORT,
    /** Screen, write the report, and leave the flagged documents out of training (and of the tokenizer). */
    DROP
}
