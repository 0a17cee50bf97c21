package io.github.parallel4j.internal.langchain4j;

import io.github.parallel4j.internal.Internal;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

/**
 * The LangChain4j versions this library supports, and the check that the one on the class path is among them.
 *
 * <p>The library calls LangChain4j's tool-loop API ({@code AiServiceTool}, {@code ToolExecutor}s with an
 * invocation context, ...) that older releases lack; run on one of those, it would fail with a
 * {@code NoClassDefFoundError} at the first conversation. {@link #requireSupported()} fails at start-up instead,
 * naming the version found and the fix. The version is read from the {@code pom.properties} that Maven writes into
 * each LangChain4j jar; when a jar has none (a shaded or repackaged build), nothing is checked.
 *
 * <p>Internal: {@code ParallelTools.builder()}, {@code ParallelTools.of(config)} and the Spring Boot starter run the
 * check; users see only its {@link IllegalStateException}. Thread-safe; the check runs once per class loader and its
 * result is kept.
 */
@Internal
public final class LangChain4jVersion {

    /** The oldest LangChain4j release this library compiles and passes its tests against (CI's matrix runs it). */
    public static final String OLDEST_SUPPORTED = "1.17.0";

    private static final String[][] ARTIFACTS = {
            // artifact, a class it holds
            {"langchain4j", "dev.langchain4j.service.AiServices"},
            {"langchain4j-core", "dev.langchain4j.agent.tool.ToolSpecification"},
    };

    private static final Properties BUILD = load(LangChain4jVersion.class, "/io/github/parallel4j/langchain4j-parallel.properties");

    private static volatile UnsupportedLangChain4jException checked;
    private static volatile boolean done;

    private LangChain4jVersion() {}

    /** @return the LangChain4j version this build of the library was tested with, e.g. {@code 1.19.0} */
    public static String tested() {
        return BUILD.getProperty("langchain4j.tested", "unknown");
    }

    /** @return the version of langchain4j-parallel itself, e.g. {@code 0.1.0} */
    public static String libraryVersion() {
        return BUILD.getProperty("version", "unknown");
    }

    /**
     * @param artifact {@code langchain4j} or {@code langchain4j-core}
     * @return the version of that {@code dev.langchain4j} artifact on the class path, when its jar says
     */
    public static Optional<String> found(String artifact) {
        for (String[] a : ARTIFACTS) {
            if (a[0].equals(artifact)) {
                try {
                    Class<?> type = Class.forName(a[1], false, LangChain4jVersion.class.getClassLoader());
                    return Optional.ofNullable(load(type, "/META-INF/maven/dev.langchain4j/" + artifact
                            + "/pom.properties").getProperty("version"));
                } catch (ClassNotFoundException e) {
                    return Optional.empty();
                }
            }
        }
        throw new IllegalArgumentException("not a LangChain4j artifact this library checks: '" + artifact
                + "' (expected langchain4j or langchain4j-core)");
    }

    /**
     * Fails when {@code dev.langchain4j:langchain4j} or {@code dev.langchain4j:langchain4j-core} on the class path is
     * older than {@link #OLDEST_SUPPORTED}.
     *
     * @throws UnsupportedLangChain4jException (an {@link IllegalStateException}) naming the artifact, the version found
     *     and the fix
     */
    public static void requireSupported() {
        if (!done) {
            UnsupportedLangChain4jException failure = null;
            for (String[] a : ARTIFACTS) {
                String version = found(a[0]).orElse(null);
                if (version != null && failure == null) {
                    failure = check("dev.langchain4j:" + a[0], version).orElse(null);
                }
            }
            checked = failure;
            done = true;
        }
        if (checked != null) {
            // a new exception each time, so each caller's stack trace is its own
            throw new UnsupportedLangChain4jException(checked.artifact(), checked.found(), checked.oldestSupported(),
                    checked.getMessage());
        }
    }

    /** The check on one artifact's version, apart from the class path (for tests). */
    static Optional<UnsupportedLangChain4jException> check(String artifact, String version) {
        if (compare(version, OLDEST_SUPPORTED) >= 0) {
            return Optional.empty();
        }
        String ours = libraryVersion();
        return Optional.of(new UnsupportedLangChain4jException(artifact, version, OLDEST_SUPPORTED,
                "langchain4j-parallel " + ours + " needs LangChain4j " + OLDEST_SUPPORTED + " or newer (it is tested"
                        + " with " + tested() + "), but " + artifact + " " + version + " is on the class path."
                        + " Another dependency (langchain4j-spring-boot-starter, for instance) brought the older"
                        + " version nearer to your build than this library's. Fix: import"
                        + " io.github.parallel4j:langchain4j-parallel-bom:" + ours + " (type pom, scope import) in"
                        + " <dependencyManagement>, before any other LangChain4j BOM; or with Gradle,"
                        + " implementation(platform(\"io.github.parallel4j:langchain4j-parallel-bom:" + ours + "\"))."
                        + " See 'mvn dependency:tree -Dincludes=dev.langchain4j' for who brings " + version + "."));
    }

    /**
     * Compares versions by their three leading numbers, numerically ({@code 1.9.0} &lt; {@code 1.17.0}); a qualifier
     * after them ({@code -beta26}, {@code -SNAPSHOT}) is ignored.
     */
    static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    private static int[] numbers(String version) {
        int[] n = new int[3];
        String[] parts = version.trim().split("[.\\-]", 4);
        for (int i = 0; i < Math.min(3, parts.length); i++) {
            String digits = parts[i].replaceAll("^(\\d*).*", "$1");
            if (digits.isEmpty()) {
                break;
            }
            n[i] = Integer.parseInt(digits);
            if (digits.length() != parts[i].length()) {
                break;
            }
        }
        return n;
    }

    private static Properties load(Class<?> base, String resource) {
        Properties properties = new Properties();
        try (InputStream in = base.getResourceAsStream(resource)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // an unreadable record counts as none: the check then trusts the class path
        }
        return properties;
    }
}
