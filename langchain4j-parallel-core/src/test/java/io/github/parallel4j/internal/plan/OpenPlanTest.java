package io.github.parallel4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.plan.PlannedCall.Kind;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A message's plan built call by call as the calls stream in: every edge decided at arrival, pointing backwards. */
class OpenPlanTest {

    private static final Map<String, ToolPolicy> POLICIES = Map.of(
            "read", ToolPolicy.read(),
            "order", ToolPolicy.read("order:{orderId}"),
            "cancel", ToolPolicy.write("order:{orderId}"),
            "slack", ToolPolicy.exclusiveWrite());

    private final Planner planner = new Planner(64, POLICIES::get, Planner.UnknownTools.BARRIER, true);

    private static CallRequest call(String id, String name, String arguments) {
        return new CallRequest(id, name, arguments);
    }

    private static int[] sorted(int[] values) {
        int[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    @Test
    void should_link_a_backward_reference_and_conflicts_at_arrival() {
        OpenPlan plan = planner.open();

        OpenPlan.Arrival first = plan.add(call("call_1", "order", "{\"orderId\":\"1\"}"));
        OpenPlan.Arrival second = plan.add(call("call_2", "cancel", "{\"orderId\":\"$call_1.id\"}"));
        OpenPlan.Arrival third = plan.add(call("call_3", "cancel", "{\"orderId\":\"1\"}"));

        assertThat(first.waitsFor()).isEmpty();
        assertThat(second.waitsFor()).containsExactly(0);
        assertThat(second.call().dataPredecessors()).containsExactly(0);
        // The write's key depends on call_1's output, so it may be order 1: the later write follows it.
        assertThat(sorted(third.waitsFor())).contains(1);
        assertThat(third.awaits()).isZero();
        assertThat(third.plan().size()).isEqualTo(3);
    }

    @Test
    void should_let_a_forward_reference_wait_for_its_call_and_then_for_its_end() {
        OpenPlan plan = planner.open();

        OpenPlan.Arrival early = plan.add(call("call_1", "order", "{\"orderId\":\"$call_2.next\"}"));
        OpenPlan.Arrival target = plan.add(call("call_2", "order", "{\"orderId\":\"2\"}"));

        assertThat(early.waitsFor()).isEmpty();
        assertThat(early.awaits()).isEqualTo(1);
        assertThat(early.call().kind()).isEqualTo(Kind.RUN);
        assertThat(target.waitedBy()).containsExactly(0);
        assertThat(early.call().dataPredecessors()).containsExactly(1);
        OpenPlan.Closing closing = plan.close(Set.of(), Map.of());
        assertThat(closing.rejected()).isEmpty();
        assertThat(closing.plan().waveCount()).isEqualTo(2);
    }

    @Test
    void should_reject_a_forward_reference_the_complete_message_does_not_hold() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival waiting = plan.add(call("call_1", "order", "{\"orderId\":\"$call_9.next\"}"));
        OpenPlan.Arrival external = plan.add(call("call_2", "order", "{\"orderId\":\"$call_7.next\"}"));

        OpenPlan.Closing closing = plan.close(Set.of("call_3"), Map.of("call_7", "search"));

        assertThat(closing.rejected()).containsExactly(waiting.call(), external.call());
        assertThat(waiting.call().rejection()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
        assertThat(waiting.call().rejectionMessage()).contains("$call_9.next").contains("no call has id 'call_9'");
        assertThat(external.call().rejectionMessage()).contains("'search'").contains("does not run");
        // A call still on its way may be referred to; one the message does not hold is refused at once.
        assertThat(plan.add(call("call_4", "order", "{\"orderId\":\"$call_3.next\"}")).awaits()).isEqualTo(1);
        OpenPlan.Arrival late = plan.add(call("call_5", "order", "{\"orderId\":\"$call_8.next\"}"));
        assertThat(late.call().rejection()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
    }

    @Test
    void should_reject_the_calls_of_a_cycle_that_closes_later_and_no_other() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival bystander = plan.add(call("call_0", "read", "{}"));
        OpenPlan.Arrival a = plan.add(call("call_1", "order", "{\"orderId\":\"$call_2.id\"}"));
        OpenPlan.Arrival b = plan.add(call("call_2", "order", "{\"orderId\":\"$call_1.id\"}"));

        assertThat(b.call().rejection()).isEqualTo(ErrorCode.CYCLE);
        assertThat(b.rejected()).containsExactly(a.call());
        assertThat(b.waitsFor()).isEmpty();
        assertThat(a.call().rejectionMessage()).contains("call_2 waits for call_1 waits for call_2")
                .contains("closed when call_2 streamed in");
        assertThat(bystander.call().kind()).isEqualTo(Kind.RUN);
    }

    @Test
    void should_reject_a_cycle_through_a_conflict() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival write = plan.add(call("call_1", "cancel", "{\"orderId\":\"1\",\"why\":\"$call_2.reason\"}"));
        OpenPlan.Arrival read = plan.add(call("call_2", "order", "{\"orderId\":\"1\"}"));

        // call_2 reads order 1 after the write to it (model order), and the write needs call_2's output.
        assertThat(read.call().rejection()).isEqualTo(ErrorCode.CYCLE);
        assertThat(read.rejected()).containsExactly(write.call());
    }

    @Test
    void should_keep_the_order_of_writes_around_one_rejected_after_it_joined() {
        OpenPlan plan = planner.open();
        plan.add(call("call_1", "cancel", "{\"orderId\":\"1\"}"));
        plan.add(call("call_2", "cancel", "{\"orderId\":\"1\",\"why\":\"$call_9.reason\"}"));
        OpenPlan.Arrival third = plan.add(call("call_3", "cancel", "{\"orderId\":\"1\"}"));
        assertThat(third.waitsFor()).containsExactly(1);

        OpenPlan.Closing closing = plan.close(Set.of(), Map.of());

        // call_2 never runs; call_3 must still follow call_1, which it was ordered after through call_2.
        assertThat(closing.rejected()).extracting(PlannedCall::id).containsExactly("call_2");
        assertThat(closing.moreWaits()).anySatisfy(pair -> assertThat(pair).containsExactly(2, 0));
        OpenPlan.Arrival fourth = plan.add(call("call_4", "cancel", "{\"orderId\":\"1\"}"));
        assertThat(fourth.waitsFor()).containsExactly(2);
    }

    @Test
    void should_share_an_identical_read_and_reject_only_the_calls_beyond_the_size_limit() {
        OpenPlan plan = new Planner(2, POLICIES::get, Planner.UnknownTools.BARRIER, true).open();
        plan.add(call("call_1", "order", "{\"orderId\":\"1\"}"));
        OpenPlan.Arrival same = plan.add(call("call_2", "order", "{\"orderId\":\"1\"}"));
        OpenPlan.Arrival third = plan.add(call("call_3", "read", "{}"));

        assertThat(same.call().duplicateOf()).isZero();
        assertThat(same.waitsFor()).containsExactly(0);
        assertThat(third.call().rejection()).isEqualTo(ErrorCode.BATCH_TOO_LARGE);
        assertThat(third.call().rejectionMessage()).contains("at most 2");
        assertThat(List.of(plan.snapshot().calls().get(0).kind(), plan.snapshot().calls().get(1).kind()))
                .containsOnly(Kind.RUN);
    }

    @Test
    void should_wait_for_a_forward_reference_whatever_the_ids_spelling_and_fill_it() {
        // Anthropic-style ids: a reference to an id not seen yet waits for that call, named call... or not.
        OpenPlan plan = planner.open();
        plan.add(call("toolu_A", "read", "{}"));
        OpenPlan.Arrival b = plan.add(call("toolu_B", "read", "{\"to\":\"$toolu_A.email\",\"ref\":\"$toolu_C.id\"}"));
        assertThat(b.awaits()).as("toolu_C has not arrived").isEqualTo(1);
        OpenPlan.Arrival c = plan.add(call("toolu_C", "read", "{\"x\":1}"));

        assertThat(b.call().references()).extracting(Reference::callId).containsExactly("toolu_A", "toolu_C");
        assertThat(c.waitedBy()).containsExactly(b.call().index());
        assertThat(b.call().dataPredecessors()).containsExactly(0, 2);
        com.fasterxml.jackson.databind.JsonNode filled = References.fill(c.plan(), b.call(),
                target -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("email", "a@x").put("id", target.id()));
        assertThat(filled.get("to").asText()).isEqualTo("a@x");
        assertThat(filled.get("ref").asText()).isEqualTo("toolu_C");
    }

    @Test
    void should_pass_a_name_of_no_call_on_as_text_once_the_message_closes_without_it() {
        // Ids without a scheme to go by (letters then something else): any name may be the id of a call to come.
        OpenPlan plan = planner.open();
        OpenPlan.Arrival home = plan.add(call("1", "read", "{\"path\":\"$HOME\"}"));
        OpenPlan.Arrival braced = plan.add(call("2", "read", "{\"q\":\"cost ${price} now\"}"));
        OpenPlan.Arrival unbraced = plan.add(call("3", "read", "{\"q\":\"cost $price now\"}"));
        assertThat(List.of(home.awaits(), braced.awaits(), unbraced.awaits())).as("each may name a call to come")
                .containsExactly(1, 1, 1);

        OpenPlan.Closing closing = plan.close(Set.of(), Map.of());

        assertThat(closing.rejected()).isEmpty();
        assertThat(closing.released()).containsExactly(0, 1, 2);
        for (OpenPlan.Arrival a : List.of(home, braced, unbraced)) {
            assertThat(a.call().kind()).isEqualTo(Kind.RUN);
            assertThat(References.fill(closing.plan(), a.call(), target -> null)).isEqualTo(a.call().arguments());
        }
    }

    @Test
    void should_hold_nothing_for_a_name_that_has_no_ids_scheme_when_the_ids_have_one() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival home = plan.add(call("toolu_A", "read", "{\"path\":\"$HOME\",\"q\":\"in $USD\"}"));
        OpenPlan.Arrival later = plan.add(call("toolu_B", "read", "{\"q\":\"$toolu_Z\"}"));

        assertThat(home.awaits()).as("HOME and USD are not toolu_ ids: text at once").isZero();
        assertThat(home.call().references()).isEmpty();
        assertThat(later.awaits()).as("toolu_Z may still stream in").isEqualTo(1);
    }

    @Test
    void should_read_a_forward_reference_next_to_text_that_names_another_id_of_the_same_scheme() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival mixed = plan.add(call("toolu_1", "read",
                "{\"to\":\"$toolu_2.email\",\"note\":\"costs $toolu_9 today\"}"));
        assertThat(mixed.awaits()).as("toolu_2 as a reference, toolu_9 as text unless it arrives").isEqualTo(2);

        OpenPlan.Arrival target = plan.add(call("toolu_2", "read", "{}"));
        OpenPlan.Closing closing = plan.close(Set.of(), Map.of());

        assertThat(target.rejected()).as("the reference to toolu_2 is well formed").isEmpty();
        assertThat(mixed.call().kind()).isEqualTo(Kind.RUN);
        assertThat(mixed.call().references()).extracting(Reference::callId).containsExactly("toolu_2");
        assertThat(mixed.call().dataPredecessors()).containsExactly(1);
        assertThat(closing.released()).containsExactly(0);
        com.fasterxml.jackson.databind.JsonNode filled = References.fill(closing.plan(), mixed.call(),
                t -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("email", "a@x"));
        assertThat(filled.get("to").asText()).isEqualTo("a@x");
        assertThat(filled.get("note").asText()).isEqualTo("costs $toolu_9 today");
    }

    @Test
    void should_refuse_text_that_is_a_malformed_reference_once_a_call_of_that_id_arrives() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival unbraced = plan.add(call("toolu_A", "read", "{\"q\":\"cost $toolu_B.price now\"}"));
        assertThat(unbraced.awaits()).isEqualTo(1);

        OpenPlan.Arrival target = plan.add(call("toolu_B", "read", "{}"));

        // As in a whole message: inside a longer string only the braced form is a reference, so this is refused.
        assertThat(target.rejected()).containsExactly(unbraced.call());
        assertThat(unbraced.call().rejection()).isEqualTo(ErrorCode.UNRESOLVED_REFERENCE);
        assertThat(unbraced.call().rejectionMessage()).contains("only the braced form counts");
        assertThat(plan.close(Set.of(), Map.of()).released()).isEmpty();
    }

    @Test
    void should_read_a_name_as_a_whole_message_does_once_closed() {
        OpenPlan plan = planner.open();
        OpenPlan.Arrival reference = plan.add(call("toolu_A", "read", "{\"q\":\"$call_9.x\"}"));
        OpenPlan.Arrival external = plan.add(call("toolu_B", "read", "{\"q\":\"$toolu_X.x\"}"));

        OpenPlan.Closing closing = plan.close(Set.of(), Map.of("toolu_X", "search"));

        assertThat(closing.rejected()).containsExactly(reference.call(), external.call());
        assertThat(closing.released()).isEmpty();
        OpenPlan.Arrival late = plan.add(call("toolu_C", "read", "{\"q\":\"$HOME\"}"));
        assertThat(late.awaits()).as("once closed, every id of the message is known").isZero();
        assertThat(late.call().references()).isEmpty();
    }

    @Test
    void should_know_the_ids_still_to_come_once_the_message_is_closed() {
        OpenPlan plan = planner.open();
        plan.add(call("toolu_A", "read", "{}"));
        plan.close(Set.of("toolu_C", "toolu_B"), Map.of());
        OpenPlan.Arrival b = plan.add(call("toolu_B", "read", "{\"ref\":\"$toolu_C.id\"}"));
        OpenPlan.Arrival c = plan.add(call("toolu_C", "read", "{}"));

        assertThat(b.call().references()).extracting(Reference::callId).containsExactly("toolu_C");
        assertThat(b.awaits()).isEqualTo(1);
        assertThat(c.waitedBy()).containsExactly(b.call().index());
    }
}
