package io.github.parallel4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The streamed turn at a twentieth of its times: the harness runs, the library keeps the turn's rules, the bound is one. */
class StreamedTurnScenarioTest {

    @Test
    void should_run_the_streamed_turn_for_every_contender_and_tell_the_unsafe_one() throws Exception {
        StreamedTurnScenario scenario = new StreamedTurnScenario(0.05, 2, line -> {});

        List<StreamedTurnScenario.Row> rows = scenario.run();

        assertThat(rows).hasSize(3);
        assertThat(scenario.boundMillis()).isEqualTo(55.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(rows.get(0).violations()).as("early start keeps references and order").isZero();
        assertThat(rows.get(1).violations()).as("whole-message planning keeps them").isZero();
        assertThat(rows.get(2).violations()).as("LangChain4j alone passes the reference's text on").isPositive();
        for (StreamedTurnScenario.Row row : rows.subList(0, 2)) {
            assertThat(row.p50Ms()).as("%s against the streamed critical path", row.contender())
                    .isGreaterThanOrEqualTo(row.boundMs() * 0.97);
        }
    }
}
