/** Training: forward/backward pairs, optimizers, data loading, BPE training, pretrain and fine-tuning loops. */
module jllm.train {
    requires transitive jllm.core;
    requires transitive jllm.chat;
    requires jllm.eval; // the attack data sets' readers
    requires com.fasterxml.jackson.databind;

    exports jllm.train;
    exports jllm.train.bpe;
    exports jllm.train.ops;
    exports jllm.train.guard;
    exports jllm.train.screen;
    exports jllm.train.task;
    exports jllm.train.scale;
    exports jllm.train.plot;

    // the run manifest is written by Jackson from records (some private) of this package
    opens jllm.train to com.fasterxml.jackson.databind;
    // a sweep's runs, plan and prediction are JSON files read back on resume
    opens jllm.train.scale to com.fasterxml.jackson.databind;
}
