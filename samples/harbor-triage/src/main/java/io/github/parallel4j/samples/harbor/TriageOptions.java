package io.github.parallel4j.samples.harbor;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How to run the demo: the latency scale, where to write the HTML timeline, and whether to stay offline.
 *
 * <p>Each option is read from the command line first, then from a system property, then from an environment
 * variable, then its default:
 *
 * <table>
 * <caption>options</caption>
 * <tr><th>argument</th><th>system property</th><th>environment</th><th>default</th></tr>
 * <tr><td>{@code --scale <x>}</td><td>{@code harbor.scale}</td><td>{@code HARBOR_SCALE}</td><td>1.0</td></tr>
 * <tr><td>{@code --html <path>}</td><td>{@code harbor.html}</td><td>{@code HARBOR_HTML}</td>
 *     <td>{@code target/harbor-triage-timeline.html}</td></tr>
 * <tr><td>{@code --scripted}</td><td>{@code harbor.scripted=true}</td><td>{@code HARBOR_SCRIPTED=true}</td>
 *     <td>false: the OpenAI endpoint when {@code OPENAI_*} are all set</td></tr>
 * </table>
 *
 * <p>A bad value is an {@link IllegalArgumentException} whose message names the option, the value and what is
 * allowed.
 *
 * @param scale multiplies every simulated latency; positive, at most {@value #MAX_SCALE}
 * @param html where the HTML timeline is written
 * @param scripted whether to use the scripted model even when an OpenAI endpoint is configured
 * @param help whether only the usage was asked for
 */
public record TriageOptions(double scale, Path html, boolean scripted, boolean help) {

    /** The largest latency scale: beyond it a run takes minutes. */
    public static final double MAX_SCALE = 100;

    /** The usage text printed by {@code --help}. */
    public static final String USAGE = """
            harbor-triage: an on-call triage turn, serial (LangChain4j's default) vs safe parallel (langchain4j-parallel)

              --scale <x>     multiply every simulated latency by x (0 < x <= 100; default 1.0, about 6 s in all)
                              also -Dharbor.scale=x or HARBOR_SCALE=x
              --html <path>   where to write the HTML timeline (default target/harbor-triage-timeline.html)
                              also -Dharbor.html=path or HARBOR_HTML=path
              --scripted      use the offline scripted model even when OPENAI_* are set
              --help          print this and exit

            With OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL all set, the assistant talks to that
            OpenAI-compatible endpoint instead of the scripted model.
            """;

    /**
     * The options with their defaults: scale 1, {@code target/harbor-triage-timeline.html}, not forced offline.
     *
     * @return the defaults
     */
    public static TriageOptions defaults() {
        return new TriageOptions(1.0, Path.of("target", "harbor-triage-timeline.html"), false, false);
    }

    /**
     * Reads the options.
     *
     * @param args the command line
     * @param systemProperty looks up a system property, null when unset
     * @param env looks up an environment variable, null when unset
     * @return the options
     * @throws IllegalArgumentException naming the option and value that are wrong
     */
    public static TriageOptions parse(List<String> args, Function<String, String> systemProperty,
            Function<String, String> env) {
        String scale = firstSet(systemProperty.apply("harbor.scale"), env.apply("HARBOR_SCALE"));
        String scaleSource = systemProperty.apply("harbor.scale") != null ? "harbor.scale" : "HARBOR_SCALE";
        String html = firstSet(systemProperty.apply("harbor.html"), env.apply("HARBOR_HTML"));
        String scripted = firstSet(systemProperty.apply("harbor.scripted"), env.apply("HARBOR_SCRIPTED"));
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (name) {
                case "--scale", "--html" -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(name + " needs a value, e.g. " + name
                                    + (name.equals("--scale") ? " 0.5" : " /tmp/timeline.html"));
                        }
                        value = args.get(++i);
                    }
                    if (name.equals("--scale")) {
                        scale = value;
                        scaleSource = "--scale";
                    } else {
                        html = value;
                    }
                }
                case "--scripted" -> scripted = inline == null ? "true" : inline;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'; try --help");
            }
        }
        TriageOptions defaults = defaults();
        return new TriageOptions(
                scale == null ? defaults.scale() : parseScale(scaleSource, scale),
                html == null ? defaults.html() : parseHtml(html),
                scripted != null && parseBoolean("--scripted", scripted),
                help);
    }

    private static String firstSet(String first, String second) {
        return first != null ? first : second;
    }

    private static double parseScale(String source, String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a number, got '" + text + "'", e);
        }
        if (!(value > 0) || value > MAX_SCALE || Double.isNaN(value)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s must be greater than 0 and at most %.0f (it multiplies every simulated latency), got '%s'",
                    source, MAX_SCALE, text));
        }
        return value;
    }

    private static Path parseHtml(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("--html must name a file, got an empty value");
        }
        return Path.of(text);
    }

    private static boolean parseBoolean(String option, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(option + " must be true or false, got '" + text + "'");
        };
    }
}
