package jllm.server;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jllm.generate.Decoding;
import jllm.generate.Generator;
import jllm.generate.Session;
import jllm.model.Embeddings;
import jllm.model.LanguageModel;
import jllm.tokenizer.Tokenizer;

/**
 * Runs one model for many requests: {@code parallel} slots (each a {@link Session} with its own KV
 * cache) fed from a bounded queue by one scheduler thread. Each turn of the scheduler admits waiting
 * requests into free slots (preferring the slot whose cache already holds the longest prefix of the
 * prompt, so follow-up chat turns evaluate only their new tokens), then runs one forward call for all
 * busy slots together: one token for each slot that is generating, and a piece of the prompt for each
 * slot that is still reading one (continuous batching: the weights are read once per turn for all of
 * them, and a new request's prompt never stops the others for long). A cancelled request (its client
 * went away) frees its slot at the next turn.
 *
 * <pre>{@code
 * Engine e = new Engine("m", model.model(), model.tokenizer(), 4, 2048, 64);
 * Engine.Job job = e.submit(prompt, new Generator.Options(64, SamplerSettings.GREEDY, List.of(), false));
 * for (Engine.Event ev = job.take(); !(ev instanceof Engine.Done); ev = job.take()) { ... }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    /** Something a job reports. */
    public sealed interface Event permits StepEvent, Done, Failed {
    }

    /** A generated token and the text it released. */
    public record StepEvent(Decoding.Step step) implements Event {
    }

    /**
     * The end of a generation.
     *
     * @param reason           why it ended
     * @param promptTokens     prompt length
     * @param reusedTokens     prompt tokens found already in the slot's cache
     * @param completionTokens tokens generated
     */
    public record Done(Generator.FinishReason reason, int promptTokens, int reusedTokens, int completionTokens)
            implements Event {
    }

    /** The generation failed on the server's side. */
    public record Failed(RuntimeException error) implements Event {
    }

    /**
     * One request's generation: its events arrive in order, through {@link #poll} or to the listener it
     * was submitted with; {@link #cancel()} frees its slot.
     */
    public static final class Job {
        final int[] prompt;
        final Generator.Options options;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final Consumer<Event> listener;
        private volatile boolean cancelled;
        final long submitted = System.nanoTime();

        Job(int[] prompt, Generator.Options options, Consumer<Event> listener) {
            this.prompt = prompt;
            this.options = options;
            this.listener = listener != null ? listener : events::add;
        }

        /** Stops the generation; the slot is freed at the scheduler's next turn. */
        public void cancel() {
            cancelled = true;
        }

        public boolean cancelled() {
            return cancelled;
        }

        /** The next event, waiting at most {@code millis}; null on timeout (always, for a job with a listener). */
        public Event poll(long millis) throws InterruptedException {
            return events.poll(millis, TimeUnit.MILLISECONDS);
        }

        void emit(Event e) {
            listener.accept(e);
        }
    }

    private sealed interface Task permits GenerateTask, EmbedTask {
    }

    private record GenerateTask(Job job) implements Task {
    }

    private record EmbedTask(List<int[]> inputs, CompletableFuture<float[][]> result) implements Task {
    }

    /** Prompt tokens evaluated per turn while other slots are generating (bounds their stall). */
    static final int PREFILL_PER_TURN_BUSY = 64;

    private static final class Slot {
        final Session session;
        Job job;
        int prefilled;      // prompt tokens in the cache so far
        Decoding decoding;  // null while the prompt is being read
        int next;           // token to evaluate at the next turn
        long lastUsed;
        long started;
        int reused;         // prompt tokens the cache already held

        Slot(Session session) {
            this.session = session;
        }
    }

    private final String name;
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final BlockingQueue<Task> queue;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final Thread scheduler;
    private final Metrics metrics;
    private volatile boolean closed;
    private long turn;

    /**
     * @param contextLength positions per slot
     * @param queueCapacity requests that may wait for a slot
     */
    public Engine(String name, LanguageModel model, Tokenizer tokenizer, int parallel, int contextLength,
                  int queueCapacity, Metrics metrics) {
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
        for (int i = 0; i < parallel; i++) {
            slots.add(new Slot(Session.of(model, contextLength)));
        }
        metrics.engine(name, () -> new int[]{queue.size(), busy.get(), slots.size()});
        this.scheduler = Thread.ofPlatform().name("jllm-engine-" + name).daemon().start(this::run);
    }

    /** Positions per slot. */
    public int contextLength() {
        return contextLength;
    }

    /** The tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The model. */
    public LanguageModel model() {
        return model;
    }

    /**
     * Queues a generation.
     *
     * @throws ApiException 503 when the queue is full
     */
    public Job submit(int[] prompt, Generator.Options options) {
        return submit(prompt, options, null);
    }

    /**
     * Queues a generation whose events go to {@code listener} instead of {@link Job#poll}: several jobs
     * (the choices of one request) can report into one queue. The listener runs on the scheduler
     * thread, so it must only hand the event on.
     *
     * @throws ApiException 503 when the queue is full
     */
    public Job submit(int[] prompt, Generator.Options options, Consumer<Event> listener) {
        Job job = new Job(prompt, options, listener);
        offer(new GenerateTask(job));
        return job;
    }

    /** Queues the computation of mean-pooled, L2-normalized embeddings of several token sequences. */
    public CompletableFuture<float[][]> embed(List<int[]> inputs) {
        EmbedTask t = new EmbedTask(List.copyOf(inputs), new CompletableFuture<>());
        offer(t);
        return t.result();
    }

    private void offer(Task t) {
        if (closed) {
            throw new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down");
        }
        if (!queue.offer(t)) {
            throw new ApiException(503, "server_error", null, "overloaded",
                    "model " + name + " is busy: all " + slots.size() + " slots are generating and "
                            + (queue.size()) + " requests wait; retry later");
        }
    }

    private void run() {
        List<Slot> active = new ArrayList<>();
        while (!closed) {
            try {
                turn++;
                // admit waiting requests into free slots; block only when nothing is generating
                while (active.size() < slots.size()) {
                    Task t = active.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : queue.poll();
                    if (t == null) {
                        break;
                    }
                    switch (t) {
                        case GenerateTask g -> start(g.job(), active);
                        case EmbedTask e -> embedNow(e);
                    }
                    if (closed) {
                        break;
                    }
                }
                active.removeIf(this::finishIfCancelled);
                if (!active.isEmpty()) {
                    decodeTurn(active);
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "engine " + name + " failed a turn", e);
                for (Slot s : active) {
                    fail(s, e instanceof RuntimeException re ? re : new IllegalStateException(e));
                }
                active.clear();
            }
        }
        // shut down: whatever still waits or runs ends as cancelled
        for (Slot s : slots) {
            if (s.job != null) {
                cancel(s);
            }
        }
        for (Task t; (t = queue.poll()) != null; ) {
            switch (t) {
                case GenerateTask g -> g.job().emit(new Done(Generator.FinishReason.CANCELLED, g.job().prompt.length, 0, 0));
                case EmbedTask e -> e.result().cancel(false);
            }
        }
    }

    private void start(Job job, List<Slot> active) {
        if (job.cancelled()) {
            job.emit(new Done(Generator.FinishReason.CANCELLED, job.prompt.length, 0, 0));
            return;
        }
        Slot slot = null;
        int best = -1;
        for (Slot s : slots) {
            if (s.job != null) {
                continue;
            }
            int common = s.session.commonPrefix(job.prompt);
            if (common > best || (common == best && s.lastUsed < slot.lastUsed)) {
                slot = s;
                best = common;
            }
        }
        slot.job = job;
        slot.started = System.nanoTime();
        busy.incrementAndGet();
        try {
            slot.reused = slot.session.keepPrefix(job.prompt);
            slot.prefilled = slot.reused;
            slot.decoding = null;
            slot.lastUsed = turn;
            active.add(slot);
        } catch (RuntimeException e) {
            fail(slot, e);
        }
    }

    /** Samples from {@code logits}; ends the job when the generation is over. */
    private void advance(Slot s, float[] logits) {
        int t = s.decoding.step(logits, s.session.length(), s.session.maxContext());
        if (t < 0) {
            finish(s);
        } else {
            s.next = t;
        }
    }

    private boolean finishIfCancelled(Slot s) {
        if (s.job != null && s.job.cancelled()) {
            cancel(s);
            return true;
        }
        return false;
    }

    private void cancel(Slot s) {
        if (s.decoding == null) { // still reading its prompt
            s.job.emit(new Done(Generator.FinishReason.CANCELLED, s.job.prompt.length, s.reused, 0));
            release(s);
        } else {
            s.decoding.cancel();
            finish(s);
        }
    }

    /** One forward call: a token for each generating slot, a piece of the prompt for each reading one. */
    private void decodeTurn(List<Slot> active) {
        boolean generating = active.stream().anyMatch(s -> s.decoding != null);
        int budget = generating ? PREFILL_PER_TURN_BUSY : Session.MAX_BATCH;
        List<Slot> batch = new ArrayList<>(active.size());
        List<Session> sessions = new ArrayList<>(active.size());
        List<int[]> chunks = new ArrayList<>(active.size());
        for (Slot s : active) {
            if (s.decoding != null) {
                chunks.add(new int[]{s.next});
            } else if (budget > 0) {
                int n = Math.min(budget, s.job.prompt.length - s.prefilled);
                budget -= n;
                chunks.add(java.util.Arrays.copyOfRange(s.job.prompt, s.prefilled, s.prefilled + n));
            } else {
                continue;
            }
            batch.add(s);
            sessions.add(s.session);
        }
        float[][] logits = Session.evaluate(sessions, chunks);
        for (int i = 0; i < batch.size(); i++) {
            Slot s = batch.get(i);
            s.lastUsed = turn;
            if (s.decoding == null) {
                s.prefilled += chunks.get(i).length;
                if (s.prefilled < s.job.prompt.length) {
                    continue;
                }
                Job job = s.job;
                s.decoding = new Decoding(tokenizer, job.prompt, job.options, step -> job.emit(new StepEvent(step)));
            }
            advance(s, logits[i]);
            if (s.job == null) {
                active.remove(s);
            }
        }
    }

    private void finish(Slot s) {
        Job job = s.job;
        Generator.FinishReason reason = s.decoding.finish();
        int generated = s.decoding.tokens().length;
        metrics.tokens(job.prompt.length, generated, System.nanoTime() - s.started);
        job.emit(new Done(reason, job.prompt.length, s.reused, generated));
        release(s);
    }

    private void fail(Slot s, RuntimeException e) {
        Job job = s.job;
        release(s);
        s.session.reset();
        if (job != null) {
            job.emit(new Failed(e));
        }
    }

    private void release(Slot s) {
        if (s.job != null) {
            busy.decrementAndGet();
        }
        s.job = null;
        s.decoding = null;
    }

    private void embedNow(EmbedTask t) {
        try {
            float[][] out = new float[t.inputs().size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Embeddings.pooled(model, t.inputs().get(i));
            }
            t.result().complete(out);
        } catch (RuntimeException e) {
            t.result().completeExceptionally(e);
        }
    }

    /** Requests waiting for a slot. */
    public int queued() {
        return queue.size();
    }

    /** Slots generating. */
    public int busy() {
        return busy.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            scheduler.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
