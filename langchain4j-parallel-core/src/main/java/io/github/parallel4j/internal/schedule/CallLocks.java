package io.github.parallel4j.internal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.limit.ResourceLocks;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.policy.ResourceKeyTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The locks one attempt of a call asks for: its invocation lock first (exclusive for an exclusive write), then
 * its resource keys, filled from the arguments it will really receive and sorted, so that every call takes them in
 * one order and no two calls can wait for each other.
 */
final class CallLocks {

    private CallLocks() {}

    /**
     * The call's resource keys with whether it writes them, sorted.
     *
     * @param call the call
     * @param arguments its arguments with every reference filled
     * @return the keys
     * @throws CallFailure {@code INVALID_ARGUMENTS} when a key names an argument the call does not have
     */
    static TreeMap<String, Boolean> keys(PlannedCall call, JsonNode arguments) throws CallFailure {
        TreeMap<String, Boolean> keys = new TreeMap<>();
        boolean writes = call.policy().isWrite();
        try {
            // as the tool receives them (1, 1.0 and "01" are one key); none to fill needs no canonical arguments
            for (String key : call.filledKeys(arguments)) {
                keys.merge(key, writes, Boolean::logicalOr);
            }
        } catch (ResourceKeyTemplate.MissingArgumentException e) {
            throw new CallFailure(ErrorCode.INVALID_ARGUMENTS, e.getMessage(), null);
        }
        return keys;
    }

    /**
     * The call's invocation lock (first) and resource-key locks, as one request, not placed yet.
     *
     * @param locks the locks shared by every turn
     * @param invocationLock the invocation's lock, or null
     * @param call the call
     * @param keys its keys ({@link #keys})
     * @param onGranted runs once every lock is held; answers whether they are kept
     * @param watch told where the request waits, to write down what held the call
     * @return the request, or null when the call needs no lock
     */
    static ResourceLocks.Request request(ResourceLocks locks, ReadWriteLock invocationLock, PlannedCall call,
            TreeMap<String, Boolean> keys, BooleanSupplier onGranted, ResourceLocks.LineWatch watch) {
        int n = keys.size() + (invocationLock != null ? 1 : 0);
        if (n == 0) {
            return null;
        }
        List<Object> names = new ArrayList<>(n);
        boolean[] writes = new boolean[n];
        int k = 0;
        InvocationLockHolders holders = invocationLock instanceof InvocationLockHolders h ? h : null;
        if (invocationLock != null) {
            // by identity: the invocation's, taken before any key by every call
            names.add(holders != null ? holders.key(locks) : invocationLock);
            writes[k++] = call.policy().isExclusive();
        }
        for (var key : keys.entrySet()) {
            names.add(key.getKey());
            writes[k++] = key.getValue();
        }
        if (holders != null) {
            holders.entered(); // the lock's owner outlives this call while it holds or waits for it
            return locks.request(names, writes, onGranted, holders::left, watch);
        }
        return locks.request(names, writes, onGranted, null, watch);
    }
}
