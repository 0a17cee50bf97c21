package io.github.parallel4j;

import io.github.bucket4j.Bandwidth;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Integration limits that live outside the JVM, so that every JVM (or every {@link ParallelTools}) sharing one
 * backend holds one concurrency cap, one rate and, optionally, one set of keyed-write locks together. Turn it on
 * with {@link ParallelToolsBuilder#sharedLimits(SharedLimits)}; the limits themselves are still the ones given with
 * {@link ParallelToolsBuilder#integration(String, IntegrationLimits)}, nothing else in your code changes:
 *
 * <pre>{@code
 * ParallelTools parallel = ParallelTools.builder()
 *         .integration("jira", IntegrationLimits.builder().maxConcurrent(3).rate(5, Duration.ofSeconds(1)).build())
 *         .sharedLimits(RedisSharedLimits.builder(redissonClient).namespace("triage").build())
 *         .build();
 * }</pre>
 *
 * <p><b>How they are applied.</b> A call still takes the in-JVM limits first (its key locks, its integration's
 * slots in emission order, its rate), so calls of one JVM are admitted fairly and in order; then the shared ones:
 * the shared key locks (when {@link #sharesKeyedWrites()}), one of the integration's shared permits, and a token
 * of its shared rate. Waiting for any of them holds no thread. The in-JVM limits are therefore always in force:
 * they are what a call falls back to when the backend cannot be reached ({@link OnFailure#FALLBACK}). A pause after
 * an upstream 429 is told to every JVM ({@link #pause}, {@link #onPause}), so the whole fleet waits out the
 * upstream's retry-after.
 *
 * <p><b>Implementing one.</b> Every method returns at once and completes its stage later, on any thread; it must
 * never block the caller. A stage that completes exceptionally, or later than {@link #timeout()}, means the
 * backend is unavailable for that call, and {@link #onFailure()} decides what the call does; a permit or lock
 * granted after the library gave up on it is released at once. Implementations: {@link #inJvm()} (limits shared by
 * several {@code ParallelTools} in one JVM; also the reference the backends are tested against) and
 * {@code RedisSharedLimits} in {@code langchain4j-parallel-redis}. Implementations are thread-safe.
 */
public interface SharedLimits {

    /** What a call does when the backend fails or answers later than {@link #timeout()}. */
    enum OnFailure {
        /**
         * Run under the in-JVM limits alone (every JVM then enforces its limits on its own: the combined load may
         * exceed them): a WARN once per outage, a count in {@link Status#fallbacks()}, and the shared limits again as
         * soon as the backend answers.
         */
        FALLBACK,
        /** Refuse the call with {@link ErrorCode#LIMITS_UNAVAILABLE}: it does not run. */
        REFUSE
    }

    /**
     * Something held in the backend for one call: a permit or a set of key locks. It expires after its lease if
     * its JVM dies, so a killed JVM never keeps another's capacity for longer than that.
     */
    interface Lease {
        /**
         * Extends the lease of a call still running (a stuck call past its turn's budget keeps what it holds).
         *
         * @param lease from now
         * @return completes with false when the lease is no longer held (it had expired, or another holder has
         *     it now); the library logs that and counts it
         */
        CompletionStage<Boolean> renew(Duration lease);

        /**
         * Gives it back; the library calls it exactly once.
         *
         * @return completes once the backend has it back
         */
        CompletionStage<Void> release();
    }

    /** @return the backend's name, for logs and the Actuator endpoint: {@code "in-jvm"}, {@code "redis"} */
    String backend();

    /** @return what a call does when the backend is unavailable */
    OnFailure onFailure();

    /**
     * @return the longest one backend call may take before it counts as failed; for {@link #acquire} and
     *     {@link #lock}, the library allows this plus the {@code maxWait} it passed
     */
    Duration timeout();

    /** @return what a lease adds to the longer of the call's own timeout and what is left of its turn's budget */
    Duration leaseMargin();

    /** @return whether resource-key locks are taken in the backend too, so keyed writes exclude across JVMs */
    boolean sharesKeyedWrites();

    /**
     * Takes one of an integration's shared concurrency permits, waiting at most {@code maxWait} for one.
     *
     * @param integration the integration's name
     * @param capacity how many permits the integration has (its {@code maxConcurrent})
     * @param maxWait the longest to wait for a free permit, zero or more
     * @param lease how long the permit is held unless renewed or released
     * @return completes with the permit, or empty when none came within {@code maxWait}
     */
    CompletionStage<Optional<Lease>> acquire(String integration, int capacity, Duration maxWait, Duration lease);

    /**
     * Takes one token of a shared rate when there is one, consuming nothing otherwise.
     *
     * @param bucket the rate's name: the integration's, or the integration's and a per-key rate's key
     * @param bandwidths the rate's Bucket4j bandwidths (from {@link IntegrationLimits})
     * @return completes with 0 when a token was taken, else the nanoseconds until one may be there
     *     ({@link Long#MAX_VALUE} for never)
     */
    CompletionStage<Long> consume(String bucket, List<Bandwidth> bandwidths);

    /**
     * Gives one token back to a shared rate: its call did not run, or the upstream refused it (429) and did not
     * count it.
     *
     * @param bucket as for {@link #consume}
     * @param bandwidths as for {@link #consume}
     * @return completes once it is given back
     */
    CompletionStage<Void> refund(String bucket, List<Bandwidth> bandwidths);

    /**
     * Takes resource-key locks, in the order given (sorted by the library, so that no two calls wait for each
     * other), waiting at most {@code maxWait}; only called when {@link #sharesKeyedWrites()}.
     *
     * @param keys the keys
     * @param writes for each key, whether it is taken for writing (exclusive) or reading (shared)
     * @param maxWait the longest to wait, zero or more
     * @param lease how long the locks are held unless renewed or released
     * @return completes with the locks, or empty when they did not come within {@code maxWait} (nothing is held)
     */
    CompletionStage<Optional<Lease>> lock(List<String> keys, List<Boolean> writes, Duration maxWait, Duration lease);

    /**
     * How many of an integration's shared permits are held now, by every JVM.
     *
     * @param integration the integration's name
     * @return completes with the count
     */
    CompletionStage<Integer> inFlight(String integration);

    /**
     * Tells every JVM sharing the backend (this one too) that the upstream of an integration refused a request for
     * its rate and asked to wait: each pauses the integration for {@code retryAfter} from when it hears of it, so no
     * clock is compared. Best effort: a JVM that does not hear of it (disconnected at that moment, or started after)
     * finds out from its own 429. The default tells no one (the pause stays in this JVM).
     *
     * @param integration the integration's name
     * @param retryAfter how long the upstream asked to wait
     * @return completes once it is sent
     */
    default CompletionStage<Void> pause(String integration, Duration retryAfter) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Registers what to do when a JVM sharing the backend {@link #pause pauses} an integration; run on any thread,
     * it must not block. The backend holds the listener weakly: it lasts as long as its registrant keeps it.
     *
     * @param listener told the integration's name and how long to pause it
     */
    default void onPause(BiConsumer<String, Duration> listener) {}

    /**
     * How the shared limits of a {@link ParallelTools} fare, as {@link ParallelTools#sharedLimitsStatus()} reads it.
     *
     * @param backend the backend's name ({@link SharedLimits#backend()})
     * @param available whether its last call answered in time
     * @param fallbacks calls that ran under the in-JVM limits alone because it was unavailable, since start
     * @param refusals calls refused with {@link ErrorCode#LIMITS_UNAVAILABLE}, since start
     * @param lastLatency how long its last answered call took
     */
    record Status(String backend, boolean available, long fallbacks, long refusals, Duration lastLatency) {}

    /**
     * Limits shared by every {@code ParallelTools} given this one object, in this JVM only: two AI services
     * configured apart that call one vendor, for instance.
     *
     * @return a new in-JVM backend
     */
    static SharedLimits inJvm() {
        return new io.github.parallel4j.internal.limit.InJvmSharedLimits();
    }
}
