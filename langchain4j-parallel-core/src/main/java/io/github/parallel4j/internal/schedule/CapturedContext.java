package io.github.parallel4j.internal.schedule;

import io.github.parallel4j.internal.Internal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: not part of the public API. The context of one thread as every {@link io.github.parallel4j.ContextPropagator}
 * captured it, to put on other threads: the one way the library installs captured context, around each attempt
 * ({@link Attempt}) and around a streamed call's task handed over to the library's executor.
 *
 * <p>{@link #install()} installs the propagators' contexts in their order. When one throws (an {@code Error} too) or
 * breaks its contract (a null), the ones installed before it are undone in reverse order and the failure is
 * thrown as an {@link InstallFailure}; nothing stays installed. The {@code Runnable} it returns undoes every install
 * in reverse order, each in its own {@code try}: a restore that throws is logged and the others still run, so that a
 * pooled thread carries nothing of one task into the next.
 *
 * <p>A context whose capture failed ({@link #failed}) fails each install with that failure: the calls it was
 * captured for fail ({@code TOOL_ERROR}) instead of the failure escaping on the thread that captured it (a stream's
 * thread, inside LangChain4j's handler). Immutable and thread-safe: installed concurrently from several threads.
 */
@Internal
public final class CapturedContext {

    private static final Logger log = LoggerFactory.getLogger(CapturedContext.class);

    /** Nothing to install. */
    public static final CapturedContext NONE = new CapturedContext(List.of(), null, null);

    /** Each propagator's captured context: installs it on the calling thread and returns what restores the thread's. */
    private final List<Supplier<Runnable>> installs;
    private final Throwable captureFailure;
    /** The thread it was captured on, which has it already; null when not known. */
    private final Thread capturedOn;

    private CapturedContext(List<Supplier<Runnable>> installs, Throwable captureFailure, Thread capturedOn) {
        this.installs = installs;
        this.captureFailure = captureFailure;
        this.capturedOn = capturedOn;
    }

    /**
     * @param installs each propagator's captured context, in their order (see {@link CapturedContexts#capture}), on
     *     the current thread
     * @return the context
     */
    public static CapturedContext of(List<Supplier<Runnable>> installs) {
        return installs.isEmpty() ? NONE : new CapturedContext(List.copyOf(installs), null, Thread.currentThread());
    }

    /**
     * @return whether the current thread is the one this context was captured on, and so has it already: a call run
     *     there (by the thread that started its turn) is not given it again, which a propagator whose restore clears
     *     rather than puts back would undo for the rest of the thread's work
     */
    boolean isCurrentThreads() {
        return capturedOn == Thread.currentThread() && captureFailure == null;
    }

    /**
     * @param failure why capturing failed
     * @return a context every install of which fails with it
     */
    public static CapturedContext failed(Throwable failure) {
        return new CapturedContext(List.of(), failure, null);
    }

    /**
     * Captures, never throwing: a capture that fails gives a {@linkplain #failed failed} context.
     *
     * @param capture captures the current thread's context
     * @return what it captured, or the failure as a context
     */
    public static CapturedContext captureSafely(Supplier<CapturedContext> capture) {
        try {
            CapturedContext captured = capture.get();
            return captured == null ? NONE : captured;
        } catch (RuntimeException | Error e) {
            return failed(e);
        }
    }

    /** @return whether installing does nothing and cannot fail */
    public boolean isEmpty() {
        return installs.isEmpty() && captureFailure == null;
    }

    /**
     * Installs the context on the calling thread.
     *
     * @return what puts back the thread's own context, to run once on the same thread
     * @throws InstallFailure when capturing or installing failed; nothing stays installed then
     */
    public Runnable install() {
        if (captureFailure != null) {
            throw new InstallFailure("capturing the caller's context failed (" + CallFailure.messageOf(captureFailure) + ")",
                    captureFailure);
        }
        if (installs.isEmpty()) {
            return () -> {};
        }
        List<Runnable> restores = new ArrayList<>(installs.size());
        try {
            for (Supplier<Runnable> install : installs) {
                restores.add(install.get());
            }
        } catch (RuntimeException | Error e) {
            restoreAll(restores);
            throw new InstallFailure("restoring the caller's context failed (" + CallFailure.messageOf(e) + ")", e);
        }
        return () -> restoreAll(restores);
    }

    private static void restoreAll(List<Runnable> restores) {
        Error error = null;
        for (int k = restores.size() - 1; k >= 0; k--) {
            try {
                restores.get(k).run();
            } catch (RuntimeException e) {
                log.warn("A context propagator's restore failed; the other propagators were restored", e);
            } catch (Error e) {
                error = error == null ? e : error;
            }
        }
        if (error != null) {
            throw error; // after every other restore ran
        }
    }

    /** Capturing or installing a context failed; {@link #getCause()} is what the propagator threw. */
    public static final class InstallFailure extends RuntimeException {
        InstallFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
