package io.github.parallel4j.samples.harbor;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * The harbor-triage command: {@code mvn -q -pl samples/harbor-triage -am compile exec:java}. See
 * {@link TriageOptions#USAGE} for its options and {@link ModelChoice} for the {@code OPENAI_*} variables.
 */
public final class HarborTriage {

    private HarborTriage() {}

    /**
     * Runs the demo; exits with 2 on a bad option and 1 when the run fails.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        int status = run(List.of(args), System::getProperty, System::getenv, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the demo with its inputs given, for tests.
     *
     * @param args the options
     * @param systemProperty looks up a system property
     * @param env looks up an environment variable
     * @param out the report
     * @param err errors
     * @return the exit status: 0, 1 when the run failed, 2 for a bad option
     */
    static int run(List<String> args, Function<String, String> systemProperty, Function<String, String> env,
            PrintStream out, PrintStream err) {
        TriageOptions options;
        try {
            options = TriageOptions.parse(args, systemProperty, env);
        } catch (IllegalArgumentException e) {
            err.println("harbor-triage: " + e.getMessage());
            err.println("Usage:");
            err.print(TriageOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(TriageOptions.USAGE);
            return 0;
        }
        try {
            new TriageDemo(options, ModelChoice.from(env, options.scripted()), out).run();
            return 0;
        } catch (RuntimeException e) {
            err.println("harbor-triage: the run failed: " + e);
            return 1;
        }
    }
}
