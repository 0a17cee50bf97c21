package io.github.parallel4j.internal.langchain4j;

import static io.github.parallel4j.support.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.CompensateFor;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import io.github.parallel4j.support.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** LangChain4j's {@code @CompensateFor} through {@code install}: keyed writes that ran in parallel, and references. */
class CompensationThroughInstallTest {

    interface Assistant {
        String chat(String message);
    }

    static class Bank {
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        /** Both credits must be running at once for either to finish: they ran in parallel, or the test fails. */
        final CountDownLatch bothCrediting = new CountDownLatch(2);

        @Tool
        @Writes(resourceKey = "account:{account}")
        String credit(String account) throws InterruptedException {
            bothCrediting.countDown();
            if (!bothCrediting.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other credit never ran alongside");
            }
            log.add("credit " + account);
            return "TX-" + account;
        }

        @CompensateFor("credit")
        void uncredit(String account) {
            log.add("uncredit " + account);
        }

        @Tool
        @Writes(resourceKey = "audit:{why}")
        String fail(String why) {
            throw new IllegalStateException(why);
        }
    }

    static class LookupBank extends Bank {
        @Tool
        @ParallelSafe
        Map<String, String> account(String owner) {
            return Map.of("account", owner.toUpperCase());
        }
    }

    private static void chat(Bank bank, ScriptedChatModel model) {
        ParallelTools.builder().build()
                .install(AiServices.builder(Assistant.class), bank)
                .chatModel(model)
                .compensateOnToolErrors(true)
                .build()
                .chat("go");
    }

    @Test
    void should_undo_keyed_writes_that_ran_in_parallel_when_a_call_of_their_batch_fails() {
        Bank bank = new Bank();
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "credit", "{\"account\": \"A\"}"), call("c2", "credit", "{\"account\": \"B\"}"),
                call("c3", "fail", "{\"why\": \"no\"}")));
        chat(bank, model);

        // Both credits ran (at once: the latch), and each is undone exactly once.
        assertThat(bank.log).containsExactlyInAnyOrder("credit A", "credit B", "uncredit A", "uncredit B");
        assertThat(ScriptedChatModel.toolResults(model.lastRequest()))
                .filteredOn(text -> text.contains("rolled back due to failure of tool 'fail'")).hasSize(2);
    }

    @Test
    void should_refuse_a_reference_in_a_call_to_a_tool_with_a_compensating_action() {
        LookupBank bank = new LookupBank();
        bank.bothCrediting.countDown(); // one credit only
        ScriptedChatModel model = ScriptedChatModel.callsThenSummary(List.of(
                call("c1", "account", "{\"owner\": \"a\"}"), call("c2", "credit", "{\"account\": \"$c1.account\"}")));
        chat(bank, model);

        // Its undo would have been given "$c1.account": the credit does not run, and the model is told why.
        assertThat(bank.log).isEmpty();
        JsonNode credit = model.observations().get(1);
        assertThat(credit.get("ok").asBoolean()).isFalse();
        assertThat(credit.get("error_code").asText()).isEqualTo("INVALID_ARGUMENTS");
        assertThat(credit.get("error").asText()).contains("compensating action", "Send the values themselves");
    }

    static class StubbornBank {
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch wrote = new CountDownLatch(1);

        @Tool
        @Writes(resourceKey = "account:{account}")
        String credit(String account) {
            log.add("credit " + account);
            return "TX-" + account;
        }

        @CompensateFor("credit")
        void uncredit(String account) {
            log.add("uncredit " + account);
        }

        /** A write that ignores its interrupt: it finishes when the test says so, whatever the budget. */
        @Tool
        @Writes(resourceKey = "account:{account}")
        String slowCredit(String account) {
            boolean interrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            log.add("slow credit " + account);
            wrote.countDown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return "TX-" + account;
        }

        @CompensateFor("slowCredit")
        void unslowCredit(String account) {
            log.add("slow uncredit " + account);
        }
    }

    @Test
    void should_not_compensate_a_started_call_cut_off_by_the_budget_which_may_finish_its_write_afterwards()
            throws InterruptedException {
        StubbornBank bank = new StubbornBank();
        ParallelTools parallel = ParallelTools.builder().turnTimeout(Duration.ofSeconds(1)).build();
        ScriptedChatModel model = new ScriptedChatModel(
                request -> AiMessage.from(call("c1", "credit", "{\"account\": \"A\"}")),
                request -> AiMessage.from(call("c2", "slowCredit", "{\"account\": \"B\"}")),
                request -> AiMessage.from("done"));

        parallel.install(AiServices.builder(Assistant.class), bank).chatModel(model).compensateOnToolErrors(true)
                .build().chat("go");

        // The cut-off call failed (BUDGET_EXCEEDED): what ran before it is undone, it is not, and it still runs.
        assertThat(bank.log).containsExactly("credit A", "uncredit A");
        assertThat(parallel.abandonedCalls()).isEqualTo(1);
        bank.release.countDown();
        assertThat(bank.wrote.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bank.log).containsExactly("credit A", "uncredit A", "slow credit B");
    }
}
