package io.github.parallel4j.redis;

import io.github.parallel4j.SharedLimits;

/** The limits through {@code ParallelTools} on the in-JVM backend. */
class InJvmThroughParallelToolsTest extends SharedLimitsThroughParallelToolsContract {

    @Override
    SharedLimits limits() {
        return SharedLimits.inJvm();
    }
}
