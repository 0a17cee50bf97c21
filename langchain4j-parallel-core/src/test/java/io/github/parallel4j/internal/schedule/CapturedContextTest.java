package io.github.parallel4j.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Installing captured context is all or nothing, and undoing it undoes every propagator whatever one of them does. */
class CapturedContextTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private Supplier<Runnable> installs(String name) {
        return () -> {
            events.add("install " + name);
            return () -> events.add("restore " + name);
        };
    }

    @Test
    void should_undo_earlier_installs_when_a_later_install_throws_an_error() {
        CapturedContext context = CapturedContext.of(List.of(installs("a"), installs("b"), () -> {
            throw new StackOverflowError("deep");
        }));

        assertThatThrownBy(context::install).isInstanceOf(CapturedContext.InstallFailure.class)
                .hasMessageContaining("restoring the caller's context failed")
                .hasCauseInstanceOf(StackOverflowError.class);
        assertThat(events).containsExactly("install a", "install b", "restore b", "restore a");
    }

    @Test
    void should_run_every_restore_in_reverse_order_when_one_of_them_throws() {
        CapturedContext context = CapturedContext.of(List.of(installs("a"), () -> {
            events.add("install b");
            return () -> {
                throw new IllegalStateException("restore b broke");
            };
        }, installs("c")));

        Runnable restore = context.install();
        restore.run();

        assertThat(events).containsExactly("install a", "install b", "install c", "restore c", "restore a");
    }

    @Test
    void should_rethrow_an_error_from_a_restore_only_after_every_other_restore_ran() {
        CapturedContext context = CapturedContext.of(List.of(installs("a"), () -> {
            events.add("install b");
            return () -> {
                throw new AssertionError("restore b broke");
            };
        }, installs("c")));

        Runnable restore = context.install();

        assertThatThrownBy(restore::run).isInstanceOf(AssertionError.class);
        assertThat(events).containsExactly("install a", "install b", "install c", "restore c", "restore a");
    }

    @Test
    void should_fail_every_install_with_the_capture_failure_instead_of_throwing_where_it_was_captured() {
        CapturedContext context = CapturedContext.captureSafely(() -> {
            throw new IllegalStateException("no security context");
        });

        assertThatThrownBy(context::install).isInstanceOf(CapturedContext.InstallFailure.class)
                .hasMessageContaining("capturing the caller's context failed")
                .hasMessageContaining("no security context");
        assertThat(context.isEmpty()).isFalse();
    }
}
