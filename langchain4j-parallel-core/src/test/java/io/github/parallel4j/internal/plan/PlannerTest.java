package io.github.parallel4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import io.github.parallel4j.policy.FailurePolicy;
import io.github.parallel4j.policy.ToolPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "order", ToolPolicy.read("order:{orderId}"),
            "cancel", ToolPolicy.write("order:{orderId}"),
            "refund", ToolPolicy.write("order:{orderId}", "account:{account}"),
            "slack", ToolPolicy.exclusiveWrite(),
            "nested", ToolPolicy.read("customer:{customer.id}"));

    private final Planner planner = new Planner(64, POLICIES::get, Planner.UnknownTools.BARRIER);

    private static CallRequest call(String id, String name, String arguments) {
        return new CallRequest(id, name, arguments);
    }

    private static int[] preds(PlannedCall call) {
        List<Integer> all = new ArrayList<>();
        for (int p : call.dataPredecessors()) {
            all.add(p);
        }
        for (int p : call.orderPredecessors()) {
            all.add(p);
        }
        return all.stream().sorted().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void should_put_independent_reads_in_one_wave() {
        Plan plan = planner.plan(List.of(
                call("a", "read", "{}"), call("b", "order", "{\"orderId\":\"1\"}"), call("c", "order", "{\"orderId\":\"2\"}")));

        assertThat(plan.waveCount()).isEqualTo(1);
        assertThat(plan.calls()).allSatisfy(c -> {
            assertThat(c.kind()).isEqualTo(Kind.RUN);
            assertThat(preds(c)).isEmpty();
        });
    }

    @Test
    void should_order_a_write_after_reads_of_its_key_and_a_read_after_the_write() {
        Plan plan = planner.plan(List.of(
                call("r1", "order", "{\"orderId\":\"1\"}"),
                call("r2", "order", "{\"orderId\":\"1\"}"),
                call("other", "order", "{\"orderId\":\"2\"}"),
                call("w", "cancel", "{\"orderId\":\"1\"}"),
                call("r3", "order", "{\"orderId\":\"1\"}")));

        assertThat(preds(plan.calls().get(3))).containsExactly(0, 1);
        assertThat(preds(plan.calls().get(4))).containsExactly(3);
        assertThat(preds(plan.calls().get(2))).isEmpty();
        assertThat(plan.calls()).extracting(PlannedCall::wave).containsExactly(1, 1, 1, 2, 3);
    }

    @Test
    void should_order_two_writes_to_the_same_key_and_not_writes_to_different_keys() {
        Plan plan = planner.plan(List.of(
                call("w1", "cancel", "{\"orderId\":\"1\"}"),
                call("w2", "cancel", "{\"orderId\":\"2\"}"),
                call("w3", "refund", "{\"orderId\":\"1\",\"account\":\"x\"}")));

        assertThat(preds(plan.calls().get(1))).isEmpty();
        assertThat(preds(plan.calls().get(2))).containsExactly(0);
    }

    @Test
    void should_run_an_exclusive_write_alone_in_emission_order() {
        Plan plan = planner.plan(List.of(
                call("a", "read", "{}"),
                call("b", "read", "{}"),
                call("s", "slack", "{\"text\":\"hi\"}"),
                call("c", "read", "{}")));

        assertThat(preds(plan.calls().get(2))).containsExactly(0, 1);
        assertThat(preds(plan.calls().get(3))).containsExactly(2);
        assertThat(plan.calls()).extracting(PlannedCall::wave).containsExactly(1, 1, 2, 3);
    }

    @Test
    void should_add_a_data_edge_for_a_reference_and_keep_waves_for_reporting() {
        Plan plan = planner.plan(List.of(
                call("call_1", "order", "{\"orderId\":\"1\"}"),
                call("call_2", "nested", "{\"customer\":{\"id\":\"$call_1.customerId\"}}"),
                call("call_3", "read", "{\"q\":\"total ${call_1.total} for ${call_2.name}\"}")));

        assertThat(plan.calls().get(1).dataPredecessors()).containsExactly(0);
        assertThat(plan.calls().get(2).dataPredecessors()).containsExactly(0, 1);
        assertThat(plan.calls().get(1).keys()).singleElement().satisfies(k -> {
            assertThat(k.open()).isTrue();
            assertThat(k.text()).isEqualTo("customer:");
        });
        assertThat(plan.waves()).hasSize(3);
        assertThat(plan.toString()).contains("w2  call_2 nested").contains("needs call_1");
    }

    @Test
    void should_order_an_open_key_write_against_every_key_it_may_match() {
        Plan plan = planner.plan(List.of(
                call("call_1", "read", "{}"),
                call("call_2", "order", "{\"orderId\":\"5\"}"),
                call("call_3", "cancel", "{\"orderId\":\"$call_1.id\"}"),
                call("call_4", "order", "{\"orderId\":\"6\"}")));

        assertThat(preds(plan.calls().get(2))).containsExactly(0, 1);
        assertThat(preds(plan.calls().get(3))).containsExactly(2);
    }

    @Test
    void should_reject_a_cycle_and_name_it_for_every_call() {
        Plan plan = planner.plan(List.of(
                call("call_1", "read", "{\"x\":\"$call_2.a\"}"),
                call("call_2", "read", "{\"x\":\"$call_1.b\"}"),
                call("call_3", "read", "{}")));

        assertThat(plan.cycle()).hasValueSatisfying(c -> assertThat(c).contains("call_1").contains("call_2"));
        assertThat(plan.calls()).allSatisfy(c -> {
            assertThat(c.kind()).isEqualTo(Kind.REJECTED);
            assertThat(c.rejection()).isEqualTo(ErrorCode.CYCLE);
            assertThat(c.rejectionMessage()).contains("call_1 waits for call_2 waits for call_1")
                    .doesNotContain("call_3 waits");
        });
    }

    @Test
    void should_reject_a_cycle_made_of_a_forward_reference_and_a_conflict() {
        Plan plan = planner.plan(List.of(
                call("call_1", "cancel", "{\"orderId\":\"$call_2.orderId\"}"),
                call("call_2", "order", "{\"orderId\":\"1\"}")));

        assertThat(plan.cycle()).isPresent();
    }

    @Test
    void should_treat_a_self_reference_as_a_cycle() {
        Plan plan = planner.plan(List.of(call("call_1", "read", "{\"x\":\"$call_1.y\"}")));

        assertThat(plan.calls().get(0).rejection()).isEqualTo(ErrorCode.CYCLE);
        assertThat(plan.cycle()).hasValue("call_1 waits for call_1");
    }

    @Test
    void should_reject_malformed_arguments_and_arguments_that_are_not_an_object() {
        Plan plan = planner.plan(List.of(
                call("a", "read", "{\"x\":"), call("b", "read", "[1,2]"), call("c", "read", ""), call("d", "read", null)));

        assertThat(plan.calls().get(0).rejection()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
        assertThat(plan.calls().get(0).rejectionMessage()).contains("not valid JSON");
        assertThat(plan.calls().get(1).rejection()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
        assertThat(plan.calls().get(1).rejectionMessage()).contains("must be a JSON object");
        assertThat(plan.calls().get(2).kind()).isEqualTo(Kind.RUN);
        assertThat(plan.calls().get(3).kind()).isEqualTo(Kind.RUN);
    }

    @Test
    void should_reject_a_call_whose_resource_key_names_an_absent_argument() {
        Plan plan = planner.plan(List.of(call("a", "cancel", "{\"id\":\"1\"}"), call("b", "read", "{}")));

        assertThat(plan.calls().get(0).rejection()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
        assertThat(plan.calls().get(0).rejectionMessage())
                .isEqualTo("resource key 'order:{orderId}' needs argument 'orderId', which the call does not have");
        assertThat(plan.calls().get(1).kind()).isEqualTo(Kind.RUN);
    }

    @Test
    void should_reject_references_to_missing_ambiguous_or_external_calls() {
        Plan plan = planner.plan(List.of(
                call("call_1", "read", "{\"x\":\"$call_9.a\"}"),
                call("dup", "read", "{}"),
                call("dup", "read", "{}"),
                call("call_4", "read", "{\"x\":\"$dup.a\"}"),
                call("call_5", "mystery", "{}"),
                call("call_6", "read", "{\"x\":\"$call_5.a\"}")));

        assertThat(plan.calls().get(0).rejection()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
        assertThat(plan.calls().get(0).rejectionMessage()).contains("no call has id 'call_9'");
        assertThat(plan.calls().get(3).rejectionMessage()).contains("ambiguous");
        assertThat(plan.calls().get(5).rejectionMessage()).contains("does not run");
    }

    @Test
    void should_open_a_key_whose_path_walks_into_a_referenced_value() {
        Plan plan = planner.plan(List.of(
                call("call_1", "read", "{}"),
                call("call_2", "nested", "{\"customer\":\"$call_1.customer\"}")));

        assertThat(plan.calls().get(1).kind()).isEqualTo(Kind.RUN);
        assertThat(plan.calls().get(1).keys()).containsExactly(new io.github.parallel4j.internal.policy.ResourceKey("customer:", true));
    }

    @Test
    void should_not_fail_planning_on_an_absurd_array_index() {
        Plan plan = planner.plan(List.of(call("call_1", "read", "{}"),
                call("call_2", "read", "{\"x\":\"$call_1.items[99999999999]\"}")));

        assertThat(plan.calls()).hasSize(2);
        assertThat(plan.calls().get(1).references()).isEmpty();
    }

    @Test
    void should_leave_dollar_text_that_is_no_reference_alone() {
        Plan plan = planner.plan(List.of(call("a", "read", "{\"price\":\"$100.00\",\"env\":\"$HOME\",\"t\":\"${x}\"}")));

        assertThat(plan.calls().get(0).kind()).isEqualTo(Kind.RUN);
        assertThat(plan.calls().get(0).references()).isEmpty();
    }

    @Test
    void should_synthesize_stable_ids_for_missing_and_repeated_provider_ids() {
        Plan plan = planner.plan(List.of(
                call(null, "read", "{}"), call("", "read", "{}"), call("x", "read", "{}"), call("x", "read", "{}"),
                call("call_1", "read", "{}")));

        assertThat(plan.calls()).extracting(PlannedCall::id)
                .containsExactly("call_1_2", "call_2", "x", "x#4", "call_1");
        assertThat(plan.calls().get(0).note()).hasValueSatisfying(n -> assertThat(n).contains("no call id"));
        assertThat(plan.calls().get(3).note()).hasValueSatisfying(n -> assertThat(n).contains("repeated"));
        assertThat(plan.calls().get(2).note()).isEmpty();
        assertThat(planner.plan(List.of(call(null, "read", "{}"), call("", "read", "{}"), call("x", "read", "{}"),
                        call("x", "read", "{}"), call("call_1", "read", "{}")))
                .calls()).extracting(PlannedCall::id).containsExactly("call_1_2", "call_2", "x", "x#4", "call_1");
    }

    @Test
    void should_make_an_unknown_tool_an_exclusive_barrier_or_reject_it() {
        Plan barrier = planner.plan(List.of(
                call("a", "read", "{}"), call("b", "mystery", "{}"), call("c", "cancel", "{\"orderId\":\"1\"}")));

        assertThat(barrier.calls().get(1).kind()).isEqualTo(Kind.EXTERNAL);
        assertThat(preds(barrier.calls().get(1))).containsExactly(0);
        assertThat(preds(barrier.calls().get(2))).containsExactly(1);

        Plan rejected = new Planner(64, POLICIES::get, Planner.UnknownTools.REJECT)
                .plan(List.of(call("a", "read", "{}"), call("b", "mystery", "{}"), call("c", "read", "{}")));

        assertThat(rejected.calls().get(1).rejection()).isEqualTo(ErrorCode.UNKNOWN_TOOL);
        assertThat(preds(rejected.calls().get(2))).isEmpty();
    }

    @Test
    void should_share_an_identical_read_only_when_no_write_to_its_key_comes_between() {
        Planner deduplicating = new Planner(64, POLICIES::get, Planner.UnknownTools.BARRIER, true);

        Plan plan = deduplicating.plan(List.of(
                call("a", "order", "{\"orderId\":\"1\"}"),
                call("b", "order", "{\"orderId\":\"1\"}"),
                call("w2", "cancel", "{\"orderId\":\"2\"}"),
                call("c", "order", "{\"orderId\":\"1\"}"),
                call("w1", "cancel", "{\"orderId\":\"1\"}"),
                call("d", "order", "{\"orderId\":\"1\"}"),
                call("r", "read", "{}"),
                call("s", "slack", "{}"),
                call("r2", "read", "{}")));

        assertThat(plan.calls()).extracting(PlannedCall::duplicateOf).containsExactly(-1, 0, -1, 0, -1, -1, -1, -1, -1);
        assertThat(plan.calls().get(5).wave()).isGreaterThan(plan.calls().get(4).wave());
    }

    @Test
    void should_plan_an_empty_batch() {
        Plan plan = planner.plan(List.of());

        assertThat(plan.size()).isZero();
        assertThat(plan.waveCount()).isZero();
        assertThat(plan.toString()).isEqualTo("Plan of 0 calls in 0 waves");
    }

    @Test
    void should_reject_every_call_of_a_batch_over_the_maximum() {
        Planner small = new Planner(2, POLICIES::get, Planner.UnknownTools.BARRIER);

        Plan plan = small.plan(List.of(call("a", "read", "{}"), call("b", "read", "{}"), call("c", "read", "{}")));

        assertThat(plan.calls()).allSatisfy(c -> {
            assertThat(c.rejection()).isEqualTo(ErrorCode.BATCH_TOO_LARGE);
            assertThat(c.rejectionMessage()).contains("3 tool calls").contains("at most 2");
        });
        assertThatThrownBy(() -> new Planner(0, POLICIES::get, Planner.UnknownTools.BARRIER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_let_a_rejected_call_wait_for_nothing_while_its_dependents_keep_the_edge() {
        Plan plan = planner.plan(List.of(
                call("call_1", "read", "{}"),
                call("call_2", "cancel", "{\"x\":\"$call_1.a\"}"),
                call("call_3", "read", "{\"y\":\"$call_2.b\"}")));

        assertThat(plan.calls().get(1).kind()).isEqualTo(Kind.REJECTED);
        assertThat(plan.calls().get(1).dataPredecessors()).isEmpty();
        assertThat(plan.calls().get(2).dataPredecessors()).containsExactly(1);
        assertThat(plan.calls().get(1).wave()).isZero();
    }

    @Test
    void should_plan_a_thousand_calls_quickly() {
        List<CallRequest> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            calls.add(switch (i % 4) {
                case 0 -> call("call_" + i, "order", "{\"orderId\":\"" + (i % 50) + "\"}");
                case 1 -> call("call_" + i, "cancel", "{\"orderId\":\"" + (i % 50) + "\"}");
                case 2 -> call("call_" + i, "read", "{\"x\":\"$call_" + (i - 2) + ".orderId\"}");
                default -> call("call_" + i, "read", "{}");
            });
        }
        Planner big = new Planner(1000, POLICIES::get, Planner.UnknownTools.BARRIER);

        Plan plan = big.plan(calls);

        assertThat(plan.size()).isEqualTo(1000);
        assertThat(plan.cycle()).isEmpty();
        assertThat(plan.calls()).allSatisfy(c -> assertThat(c.kind()).isEqualTo(Kind.RUN));
    }

    @Test
    void should_run_a_call_whose_arguments_do_not_parse_alone_when_its_tool_judges_them() {
        Planner judged = new Planner(64, POLICIES::get, Planner.UnknownTools.BARRIER, false, () -> true);

        Plan plan = judged.plan(List.of(
                call("a", "order", "{\"orderId\":\"1\"}"),
                call("b", "order", "{\"orderId\": "),
                call("c", "order", "{\"orderId\":\"2\"}")));

        PlannedCall malformed = plan.calls().get(1);
        assertThat(malformed.kind()).isEqualTo(Kind.RUN);
        assertThat(malformed.arguments()).isNull();
        assertThat(malformed.rawArguments()).isEqualTo("{\"orderId\": ");
        // With no keys to order it by, it is an exclusive write: after a, before c.
        assertThat(malformed.policy().isExclusive()).isTrue();
        assertThat(preds(malformed)).containsExactly(0);
        assertThat(preds(plan.calls().get(2))).containsExactly(1);
    }

    @Test
    void should_reject_a_call_whose_arguments_do_not_parse_when_its_tool_does_not_judge_them() {
        Planner rejecting = new Planner(64, POLICIES::get, Planner.UnknownTools.BARRIER, false, () -> false);

        Plan plan = rejecting.plan(List.of(call("b", "order", "{\"orderId\": ")));

        assertThat(plan.calls().get(0).kind()).isEqualTo(Kind.REJECTED);
        assertThat(plan.calls().get(0).rejection()).isEqualTo(ErrorCode.INVALID_ARGUMENTS);
    }

    @Test
    void should_keep_the_tool_integration_timeout_and_failure_policy_when_it_judges_arguments_that_do_not_parse() {
        ToolPolicy crm = ToolPolicy.write("order:{orderId}").withIntegration("crm").withTimeout(Duration.ofSeconds(2))
                .idempotent().withFailurePolicy(FailurePolicy.failFast());
        Planner judged = new Planner(64, Map.of("update", crm)::get, Planner.UnknownTools.BARRIER, false, () -> true);

        PlannedCall malformed = judged.plan(List.of(call("a", "update", "{\"orderId\": "))).calls().get(0);

        // Only what its keys would have said is lost: it runs alone, still capped, timed and failed as the tool says.
        assertThat(malformed.policy().isExclusive()).isTrue();
        assertThat(malformed.policy().integration()).contains("crm");
        assertThat(malformed.policy().timeout()).contains(Duration.ofSeconds(2));
        assertThat(malformed.policy().onFailure()).isEqualTo(crm.onFailure());
        assertThat(malformed.policy().isIdempotent()).isTrue();
    }
}
