package dev.deliberate.server;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * N instances of one model, for N requests at once. A {@link ReasoningModel} runs one call at a time, so real
 * parallelism needs several instances; this works for every backend. Each instance is a full model: for llama.cpp the
 * weights are memory-mapped from the same file (the page cache holds them once), but every instance has its own
 * context (KV cache, compute buffers) and its own threads.
 *
 * <p>{@link OpenAiServer} takes an idle instance per request and gives it back when the call has ended. The pool owns
 * its instances: {@link #close()} closes them.
 */
public final class ModelPool implements AutoCloseable {

    /** Most instances a pool holds. */
    public static final int MAX_SIZE = 64;

    private final List<ReasoningModel> models;
    private final BlockingQueue<ReasoningModel> idle;
    private volatile boolean closed;

    private ModelPool(List<ReasoningModel> models) {
        this.models = List.copyOf(models);
        this.idle = new LinkedBlockingQueue<>(this.models);
    }

    /**
     * Opens {@code size} instances of the model at {@code locator} through {@link ReasoningModels#open}, one after
     * the other; when one fails, those already open are closed.
     *
     * @throws InvalidRequestException when {@code size} is not in [1, {@value #MAX_SIZE}]
     */
    public static ModelPool open(ModelLocator locator, ModelOptions options, int size) {
        Objects.requireNonNull(locator, "locator");
        Objects.requireNonNull(options, "options");
        checkSize(size);
        List<ReasoningModel> opened = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                opened.add(ReasoningModels.open(locator, options));
            }
        } catch (RuntimeException e) {
            opened.forEach(ReasoningModel::close);
            throw e;
        }
        return new ModelPool(opened);
    }

    /**
     * A pool of models already open, which it now owns. They must be instances of the same model: the server
     * describes the pool with the first one's {@link ModelInfo}.
     */
    public static ModelPool of(List<? extends ReasoningModel> models) {
        Objects.requireNonNull(models, "models");
        checkSize(models.size());
        models.forEach(m -> Objects.requireNonNull(m, "model"));
        return new ModelPool(new ArrayList<>(models));
    }

    private static void checkSize(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new InvalidRequestException("a model pool holds 1 to " + MAX_SIZE + " instances, got " + size);
        }
    }

    /** Provenance of the pooled model (its first instance). */
    public ModelInfo info() {
        return models.get(0).info();
    }

    /** Number of instances: how many calls run at once. */
    public int size() {
        return models.size();
    }

    /** Waits for an idle instance. */
    ReasoningModel take() throws InterruptedException {
        if (closed) {
            throw new DeliberateException("the model pool is closed");
        }
        return idle.take();
    }

    /** Gives back an instance from {@link #take()}. */
    void give(ReasoningModel model) {
        idle.add(model);
    }

    /** Closes every instance (calls still running are cancelled by the models). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (ReasoningModel m : models) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
