package jllm.compress;

import java.util.ArrayList;
import java.util.List;

import jllm.model.KvCache;
import jllm.model.LanguageModel;

/**
 * Lockstep over jllm's engine ({@link LanguageModel#forwardBatch}): any architecture. Reproducible as
 * far as the model's kernels are: the engine's are independent of the thread count by their contract,
 * and zip and unzip make identical calls, but SIMD widths differ between machines, so a file is only
 * guaranteed to unzip on the same kind of CPU; on {@link jllm.kernel.Kernels#reproducible} kernels with an
 * F32 cache ({@link Jz#reproducible}) it unzips anywhere.
 */
public final class EngineLockstep implements LockstepModel {
    private final LanguageModel model;
    private final KvCache.Type cacheType;
    private final List<KvCache> caches = new ArrayList<>();
    private int maxTokens;

    public EngineLockstep(LanguageModel model, KvCache.Type cacheType) {
        this.model = model;
        this.cacheType = cacheType;
    }

    @Override
    public int vocabSize() {
        return model.info().vocabSize();
    }

    @Override
    public int contextLength() {
        return model.info().contextLength();
    }

    @Override
    public void reset(int lanes, int maxTokens) {
        if (maxTokens != this.maxTokens) {
            caches.clear();
            this.maxTokens = maxTokens;
        }
        while (caches.size() < lanes) {
            caches.add(model.newCache(maxTokens, cacheType));
        }
        for (KvCache c : caches) {
            c.truncate(0);
        }
    }

    @Override
    public float[] step(int[] lanes, int[] tokens) {
        List<KvCache> active = new ArrayList<>(lanes.length);
        for (int lane : lanes) {
            active.add(caches.get(lane));
        }
        return model.forwardBatch(active, tokens);
    }
}
