package io.github.parallel4j.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which names after {@code $} in a streamed call's arguments may be the id of a call of the same message that has not
 * streamed in yet, so that the call waits for it rather than passing the text on.
 *
 * <p>The rule: a name may be such an id when it has the scheme of an id the message has already shown (the call's own
 * included): the same leading letters, followed by something else ({@code toolu_}, {@code call_}, {@code fc_}). So
 * {@code $toolu_2} waits next to {@code toolu_1}, and {@code $USD}, {@code $HOME} or a jq {@code $x} do not: they are
 * text at once. When an id shown has no such scheme (no leading letters, or letters only), every name may be an id,
 * and waits until the message closes. Names starting with {@code call} are references whatever comes, and are not
 * judged here.
 */
final class LaterIds {

    private LaterIds() {}

    /**
     * @param arguments the call's arguments
     * @param known whether a call of the message has the id already
     * @param shown the ids of the calls the message has shown so far
     * @return the names that may be ids still to come, by the rule above
     */
    static Set<String> candidates(JsonNode arguments, Predicate<String> known, Collection<String> shown) {
        Set<String> schemes = new HashSet<>();
        boolean any = false;
        for (String id : shown) {
            String scheme = scheme(id);
            any |= scheme == null;
            schemes.add(scheme);
        }
        Set<String> names = new HashSet<>();
        for (String name : References.tokenNames(arguments)) {
            if (!known.test(name) && !name.startsWith("call") && (any || schemes.contains(scheme(name)))) {
                names.add(name);
            }
        }
        return names;
    }

    /** @return the id's leading letters when something follows them, else null (no scheme to go by) */
    private static String scheme(String id) {
        int end = 0;
        while (end < id.length() && Character.isLetter(id.charAt(end))) {
            end++;
        }
        return end == 0 || end == id.length() ? null : id.substring(0, end);
    }

    /**
     * Judges each name on its own: the names the arguments would be a malformed reference to, were a call of that
     * name to arrive (such as {@code "costs $USD"}, where only a whole-string or braced reference counts).
     *
     * @param names the candidates
     * @param known whether a call of the message has the id already
     * @return those of the names
     */
    static Set<String> malformed(JsonNode arguments, Set<String> names, Predicate<String> known) {
        Set<String> malformed = new HashSet<>();
        for (String name : names) {
            try {
                References.findAll(arguments, id -> known.test(id) || id.equals(name));
            } catch (References.UnresolvedReferenceException e) {
                malformed.add(name);
            }
        }
        return malformed;
    }

    /** @return why a call planned with {@code id} as text is refused now that a call of that id arrived */
    static String why(JsonNode arguments, String id, Predicate<String> known) {
        try {
            References.findAll(arguments, name -> known.test(name) || name.equals(id));
            return "its arguments refer to " + id + " in a way that is not a reference";
        } catch (References.UnresolvedReferenceException e) {
            return e.getMessage();
        }
    }
}
