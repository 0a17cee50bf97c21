package io.github.parallel4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The graph alone: order, cycle and waves over indices, with no calls. */
class TopologyTest {

    /** @param waitsFor for each node, the nodes it waits for */
    private static Topology of(int[]... waitsFor) {
        List<BitSet> preds = new ArrayList<>();
        for (int[] p : waitsFor) {
            BitSet set = new BitSet();
            for (int q : p) {
                set.set(q);
            }
            preds.add(set);
        }
        return new Topology(preds);
    }

    @Test
    void should_order_each_node_after_its_predecessors_when_the_graph_has_no_cycle() {
        Topology t = of(new int[] {2}, new int[] {}, new int[] {1}, new int[] {0, 2});

        assertThat(t.complete()).isTrue();
        assertThat(t.order()).containsExactly(1, 2, 0, 3);
        assertThatThrownBy(() -> t.cycle(i -> "c" + i)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void should_name_the_loop_and_not_the_nodes_leading_into_it_when_the_graph_has_a_cycle() {
        // 0 waits for 1, which is on the loop 1 -> 2 -> 3 -> 1; 4 is independent
        Topology t = of(new int[] {1}, new int[] {2}, new int[] {3}, new int[] {1}, new int[] {});

        assertThat(t.complete()).isFalse();
        assertThat(t.order()).containsExactly(4);
        assertThat(t.cycle(i -> "c" + i)).isEqualTo("c1 waits for c2 waits for c3 waits for c1");
    }

    @Test
    void should_put_a_node_one_wave_after_its_latest_predecessor_and_a_shared_read_in_its_originals_wave() {
        // 0 and 1 wait for nothing; 2 waits for 0; 3 waits for 2 and 1; 4 shares 0's result; 5 does not run
        Topology t = of(new int[] {}, new int[] {}, new int[] {0}, new int[] {2, 1}, new int[] {0}, new int[] {3});

        int[] waves = t.waves(i -> i != 5, i -> i == 4 ? 0 : -1);

        assertThat(waves).containsExactly(1, 1, 2, 3, 1, 0);
    }
}
