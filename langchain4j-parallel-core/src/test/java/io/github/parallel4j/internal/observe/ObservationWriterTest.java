package io.github.parallel4j.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.parallel4j.ErrorCode;
import io.github.parallel4j.internal.plan.CallRequest;
import io.github.parallel4j.internal.plan.Plan;
import io.github.parallel4j.internal.plan.PlannedCall;
import io.github.parallel4j.internal.plan.Planner;
import io.github.parallel4j.internal.schedule.CallOutcome;
import io.github.parallel4j.internal.schedule.ToolOutput;
import io.github.parallel4j.policy.ToolPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservationWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObservationWriter writer = new ObservationWriter();

    private static PlannedCall noisyCall() {
        Map<String, ToolPolicy> policies = Map.of("read", ToolPolicy.read());
        Plan plan = new Planner(8, policies::get, Planner.UnknownTools.REJECT, true).plan(List.of(
                new CallRequest("an-unusually-long-provider-call-id-for-this-test", "read", "{\"q\":1}"),
                new CallRequest("an-unusually-long-provider-call-id-for-this-test", "read", "{\"q\":1}")));
        return plan.calls().get(1); // a repeated id and a shared read: the longest note there is
    }

    @Test
    void should_stay_within_a_small_allowance_with_a_long_note_and_a_large_result() throws Exception {
        PlannedCall call = noisyCall();
        JsonNode result = JSON.readTree("[" + "\"row\",".repeat(2_000) + "\"end\"]");
        CallOutcome ok = new CallOutcome(call, true, null, null, new ToolOutput(result, null), null, 0, 0, 1, 1, false);

        for (int limit : new int[] {256, 300, 400, 1_000}) {
            String text = writer.write(ok, result, limit, "r_handle");
            assertThat(text.length()).as("limit %d", limit).isLessThanOrEqualTo(limit);
            JsonNode observation = JSON.readTree(text);
            assertThat(observation.get("truncated").asBoolean()).isTrue();
            assertThat(observation.get("original_size").asInt()).isEqualTo(result.toString().length());
        }
    }

    @Test
    void should_shorten_a_long_error_message_to_fit() throws Exception {
        CallOutcome failed = new CallOutcome(noisyCall(), false, ErrorCode.TOOL_ERROR, "x".repeat(5_000), null, null,
                0, 0, 1, 1, false);

        String text = writer.write(failed, null, 600);

        assertThat(text.length()).isLessThanOrEqualTo(600);
        assertThat(JSON.readTree(text).get("error").asText()).startsWith("xxx").endsWith("...");
    }
}
