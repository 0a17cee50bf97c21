package io.github.parallel4j.internal.observe;

import java.util.Arrays;

/**
 * Shares one turn's observation budget fairly: observations that fit under an equal share stay whole, and the
 * large ones split what is left equally (water-filling). The sum of what each observation may use never exceeds
 * the total, except that each keeps a floor so that it can still say what it was.
 */
final class TurnShare {

    private TurnShare() {}

    /**
     * @param sizes each observation's full size in characters
     * @param total the turn's budget
     * @param floor the least any observation gets
     * @return each observation's allowance, in the same order
     */
    public static int[] of(int[] sizes, int total, int floor) {
        int n = sizes.length;
        int[] allowance = new int[n];
        if (n == 0) {
            return allowance;
        }
        int[] sorted = sizes.clone();
        Arrays.sort(sorted);
        long left = total;
        int cap = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            long equal = left / (n - k);
            if (sorted[k] <= equal) {
                left -= sorted[k]; // small enough to stay whole
            } else {
                cap = (int) Math.max(0, equal);
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            allowance[i] = Math.max(floor, Math.min(sizes[i], cap));
        }
        return allowance;
    }
}
