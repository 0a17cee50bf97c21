package io.github.parallel4j.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TurnSharePropertyTest {

    @Property(tries = 1000)
    void shares_are_fair_and_within_the_budget(
            @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 200_000) Integer> sizeList,
            @ForAll @IntRange(min = 256, max = 300_000) int total) {
        int[] sizes = sizeList.stream().mapToInt(Integer::intValue).toArray();
        int floor = 16;

        int[] allowance = TurnShare.of(sizes, total, floor);

        long used = 0;
        int cutMin = Integer.MAX_VALUE;
        int cutMax = 0;
        int wholeMax = 0;
        for (int i = 0; i < sizes.length; i++) {
            used += Math.min(sizes[i], allowance[i]);
            if (allowance[i] < sizes[i]) {
                cutMin = Math.min(cutMin, allowance[i]);
                cutMax = Math.max(cutMax, allowance[i]);
            } else {
                wholeMax = Math.max(wholeMax, sizes[i]);
            }
        }
        if (total >= sizes.length * floor) {
            assertThat(used).as("within the turn's budget").isLessThanOrEqualTo(total);
        }
        if (cutMax > 0) {
            assertThat(cutMax - cutMin).as("cut observations share equally").isLessThanOrEqualTo(0);
            assertThat(wholeMax).as("whole ones are no larger than the share of cut ones").isLessThanOrEqualTo(
                    Math.max(cutMax, floor));
        }
        long sum = 0;
        for (int size : sizes) {
            sum += size;
        }
        if (sum <= total) {
            assertThat(allowance).as("nothing is cut when everything fits").isEqualTo(
                    java.util.Arrays.stream(sizes).map(s -> Math.max(s, floor)).toArray());
        }
    }
}
