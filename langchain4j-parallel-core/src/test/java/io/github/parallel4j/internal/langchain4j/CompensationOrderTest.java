package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.langchain4j.agent.tool.CompensateFor;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolService;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link CompensationOrder} on its own, driven as LangChain4j's tool service drives it: who may roll back, two
 * actions of one rollback called at once, and the LangChain4j versions it cannot order.
 */
class CompensationOrderTest {

    /** The first undoing of P waits for {@link #release}; everything is logged. */
    static class Undos {
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        final CountDownLatch undoingP = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Tool
        String book(String account) {
            return "B-" + account;
        }

        @CompensateFor("book")
        void unbook(String account) throws InterruptedException {
            log.add("unbook " + account);
            if (account.equals("P") && undoingP.getCount() > 0) {
                undoingP.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** Rolls back as LangChain4j's tool service does, from a subclass of it. */
    static final class RollingBack extends ToolService {
        void undo(Consumer<ToolExecution> action, ToolExecution execution) {
            action.accept(execution);
        }
    }

    private final Undos undos = new Undos();
    private final ToolService service = new ToolService();
    private final InvocationContext context = InvocationContext.builder().invocationId(UUID.randomUUID()).build();
    private final ToolExecutionRequest p = call("p", "book", "{\"account\": \"P\"}");
    private final ToolExecutionRequest q = call("q", "book", "{\"account\": \"Q\"}");
    private final ToolExecutionResult ok = ToolExecutionResult.builder().resultText("ok").build();
    private final RollingBack rollback = new RollingBack();

    /** Q ends first, then P: a rollback undoes P first. */
    private Consumer<ToolExecution> bookedQThenP(boolean compensate) throws Exception {
        service.tools(List.<Object>of(undos));
        service.compensateOnToolErrors(compensate);
        CompensationOrder order = CompensationOrder.of(service, why -> {
            throw new AssertionError(why);
        });
        assertThat(order.wrapNew()).isTrue();
        order.finished(q, context, 1);
        order.finished(p, context, 2);
        order.returned(p, context, ok);
        order.returned(q, context, ok);
        return action();
    }

    @SuppressWarnings("unchecked")
    private Consumer<ToolExecution> action() throws Exception {
        return (Consumer<ToolExecution>) actions().get("book");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> actions() throws Exception {
        Field field = ToolService.class.getDeclaredField("compensatingExecutors");
        field.setAccessible(true);
        return (Map<String, Object>) field.get(service);
    }

    private ToolExecution execution(ToolExecutionRequest request) {
        return ToolExecution.builder().request(request).result(ok).invocationContext(context).build();
    }

    private static List<ILoggingEvent> warningsOf(ThrowingRunnable run) throws Exception {
        Logger order = (Logger) LoggerFactory.getLogger(CompensationOrder.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        order.addAppender(warnings);
        try {
            run.run();
        } finally {
            order.detachAppender(warnings);
        }
        return warnings.list;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void should_order_a_rollback_by_a_subclass_of_the_tool_service() throws Exception {
        Consumer<ToolExecution> action = bookedQThenP(true);
        undos.release.countDown();

        rollback.undo(action, execution(q)); // LangChain4j's order: the model's reversed
        rollback.undo(action, execution(p));

        assertThat(undos.log).containsExactly("unbook P", "unbook Q");
    }

    @Test
    void should_undo_each_call_once_when_two_actions_of_one_rollback_are_called_at_once() throws Exception {
        Consumer<ToolExecution> action = bookedQThenP(true);
        List<Throwable> failures = new ArrayList<>();
        Thread first = new Thread(() -> rollback.undo(action, execution(q)));
        Thread second = new Thread(() -> rollback.undo(action, execution(p)));
        first.setUncaughtExceptionHandler((t, e) -> failures.add(e));
        second.setUncaughtExceptionHandler((t, e) -> failures.add(e));

        first.start();
        assertThat(undos.undoingP.await(10, TimeUnit.SECONDS)).isTrue(); // the first call's pass is undoing P
        second.start();
        // P's own action call waits for the pass, or (wrongly) undoes P again and ends.
        await().atMost(Duration.ofSeconds(10)).until(() -> second.getState() == Thread.State.WAITING
                || second.getState() == Thread.State.TERMINATED);
        undos.release.countDown();
        first.join(10_000);
        second.join(10_000);

        assertThat(failures).isEmpty();
        assertThat(undos.log).containsExactly("unbook P", "unbook Q");
    }

    @Test
    void should_warn_when_a_call_due_for_undoing_is_undone_by_someone_else() throws Exception {
        Consumer<ToolExecution> action = bookedQThenP(true);
        undos.release.countDown();

        List<ILoggingEvent> warnings = warningsOf(() -> action.accept(execution(p)));

        assertThat(undos.log).containsExactly("unbook P"); // it runs alone
        assertThat(warnings).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .contains("was called by " + CompensationOrderTest.class.getName(),
                        "not by LangChain4j's ToolService"));
    }

    @Test
    void should_keep_nothing_when_langchain4j_does_not_compensate() throws Exception {
        Consumer<ToolExecution> action = bookedQThenP(false);
        undos.release.countDown();

        // Nothing is due for undoing, so an action handed out (the agentic module) runs alone, unremarked.
        List<ILoggingEvent> warnings = warningsOf(() -> action.accept(execution(p)));

        assertThat(undos.log).containsExactly("unbook P");
        assertThat(warnings).isEmpty();
    }

    @Test
    void should_leave_langchain4js_order_when_its_map_of_actions_cannot_be_changed() throws Exception {
        service.tools(List.<Object>of(undos));
        Field field = ToolService.class.getDeclaredField("compensatingExecutors");
        field.setAccessible(true);
        field.set(service, Map.copyOf(actions()));
        CompensationOrder order = CompensationOrder.of(service, why -> {});

        assertThatCode(() -> assertThat(order.wrapNew()).isFalse()).doesNotThrowAnyException();
    }

    @Test
    void should_name_the_cause_when_the_actions_cannot_be_read() {
        List<String> why = new ArrayList<>();

        assertThat(CompensationOrder.of(service, "noSuchField", why::add)).isNull();

        assertThat(why).singleElement().asString().contains("java.lang.NoSuchFieldException: noSuchField",
                "--add-opens dev.langchain4j/dev.langchain4j.service.tool=");
    }
}
