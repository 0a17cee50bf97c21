package io.github.parallel4j.redis;

import io.github.parallel4j.SharedLimits;

/** The contract on the in-JVM backend, the reference the others are held to. */
class InJvmSharedLimitsContractTest extends SharedLimitsContract {

    @Override
    SharedLimits limits() {
        return SharedLimits.inJvm();
    }
}
