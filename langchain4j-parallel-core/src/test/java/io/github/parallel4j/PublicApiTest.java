package io.github.parallel4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API is the list below, and docs/guide.md's "Public API" section names every type on it. A public type
 * added to an API package, a public type in a package that is neither API nor internal, or an internal type that an
 * API signature starts to expose, fails here: either it belongs to the API (add it to the list and to the guide) or
 * it should not be public.
 */
class PublicApiTest {

    /** The packages users import. Every public type in them is on {@link #API}. */
    private static final Set<String> API_PACKAGES = Set.of("io.github.parallel4j", "io.github.parallel4j.annotation",
            "io.github.parallel4j.policy", "io.github.parallel4j.observe");

    /** Where the stages live: public there only so that another stage can use it, and not part of the API. */
    private static final String INTERNAL = "io.github.parallel4j.internal.";

    /** The most top-level public types the API may have: issue #13's "a public API on one page". */
    private static final int MAX_TOP_LEVEL_TYPES = 30;

    /**
     * The most public types the API may have, nested ones included: a ceiling that only comes down. It is above
     * {@link #MAX_TOP_LEVEL_TYPES} because a nested type that names a role reads better than a bare functional type
     * or a loose parameter list: {@code TurnObserver.CallScope} says it is told on success too (a
     * {@code Consumer<Throwable>} did not, and {@code span::error} compiled and leaked the span),
     * {@code ContextPropagator.Captured} says what {@code install()} does (a {@code Supplier<Runnable>} did not),
     * and {@code IntegrationLimits.Builder}, {@code SharedLimits.Lease}/{@code Status}/{@code OnFailure},
     * {@code TurnObserver.Turn}/{@code Call}/{@code TurnScope} and {@code CallReport.HeldBy} are values or roles
     * users name in their own code. docs/guide.md's "Public API" section lists them.
     */
    private static final int MAX_API_TYPES = 36;

    /** The public API, by binary name. */
    private static final Set<String> API = Set.of(
            "io.github.parallel4j.ParallelTools",
            "io.github.parallel4j.ParallelToolsConfig",
            "io.github.parallel4j.ParallelToolsBuilder",
            "io.github.parallel4j.IntegrationLimits",
            "io.github.parallel4j.IntegrationLimits$Builder",
            "io.github.parallel4j.SharedLimits",
            "io.github.parallel4j.SharedLimits$OnFailure",
            "io.github.parallel4j.SharedLimits$Lease",
            "io.github.parallel4j.SharedLimits$Status",
            "io.github.parallel4j.ErrorCode",
            "io.github.parallel4j.ObservationFormat",
            "io.github.parallel4j.ToolErrorHandling",
            "io.github.parallel4j.RateLimitedException",
            "io.github.parallel4j.ToolCallContext",
            "io.github.parallel4j.ContextPropagator",
            "io.github.parallel4j.ContextPropagator$Captured",
            "io.github.parallel4j.Ticker",
            "io.github.parallel4j.TurnListener",
            "io.github.parallel4j.TurnObserver",
            "io.github.parallel4j.TurnObserver$Turn",
            "io.github.parallel4j.TurnObserver$Call",
            "io.github.parallel4j.TurnObserver$TurnScope",
            "io.github.parallel4j.TurnObserver$CallScope",
            "io.github.parallel4j.TurnReport",
            "io.github.parallel4j.CallReport",
            "io.github.parallel4j.CallReport$HeldBy",
            "io.github.parallel4j.annotation.ParallelSafe",
            "io.github.parallel4j.annotation.Writes",
            "io.github.parallel4j.annotation.Integration",
            "io.github.parallel4j.annotation.CacheFor",
            "io.github.parallel4j.annotation.Retry",
            "io.github.parallel4j.annotation.FailFast",
            "io.github.parallel4j.annotation.ToolTimeout",
            "io.github.parallel4j.policy.ToolPolicy",
            "io.github.parallel4j.policy.FailurePolicy",
            "io.github.parallel4j.observe.TurnTimeline");

    @Test
    void should_have_only_the_listed_public_types_when_scanning_the_api_packages() throws Exception {
        Set<String> inApiPackages = publicTypes().stream()
                .filter(name -> API_PACKAGES.contains(name.substring(0, name.lastIndexOf('.'))))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> listedThere = API.stream()
                .filter(name -> API_PACKAGES.contains(name.substring(0, name.lastIndexOf('.'))))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(inApiPackages).as("public types of the API packages").isEqualTo(listedThere);
        assertThat(publicTypes()).as("every listed type exists and is public").containsAll(API);
    }

    @Test
    void should_keep_every_other_public_type_internal_and_the_api_within_its_budget_when_counting() throws Exception {
        Set<String> elsewhere = publicTypes().stream()
                .filter(name -> !API_PACKAGES.contains(name.substring(0, name.lastIndexOf('.'))))
                .filter(name -> !name.startsWith(INTERNAL))
                .collect(Collectors.toCollection(TreeSet::new));
        long topLevel = API.stream().filter(name -> !name.contains("$")).count();

        assertThat(elsewhere).as("public types neither in an API package nor under " + INTERNAL).isEmpty();
        assertThat(topLevel).as("top-level public types of the API").isLessThanOrEqualTo(MAX_TOP_LEVEL_TYPES);
        assertThat(API.size()).as("public types of the API, " + (API.size() - topLevel) + " of them nested")
                .isLessThanOrEqualTo(MAX_API_TYPES);
    }

    @Test
    void should_mark_every_public_internal_type_internal_when_scanning_the_internal_packages() throws Exception {
        Set<String> unmarked = new TreeSet<>();
        for (String name : publicTypes()) {
            if (name.startsWith(INTERNAL) && !name.contains("$")) {
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (!type.isAnnotationPresent(io.github.parallel4j.internal.Internal.class)) {
                    unmarked.add(name);
                }
            }
        }

        assertThat(unmarked).as("public types under " + INTERNAL + " without @Internal").isEmpty();
    }

    @Test
    void should_expose_no_internal_type_when_walking_the_api_signatures() throws Exception {
        Set<String> exposed = new TreeSet<>();
        for (String name : API) {
            Class<?> type = Class.forName(name, false, getClass().getClassLoader());
            for (Class<?> used : signatureTypes(type)) {
                String n = used.getName();
                if (n.startsWith("io.github.parallel4j.") && !API.contains(n)) {
                    exposed.add(n);
                }
            }
        }

        assertThat(exposed).as("library types that API signatures expose but that are not API").isEmpty();
    }

    @Test
    void should_name_every_api_type_in_the_guides_public_api_section_when_reading_the_guide() throws IOException {
        String guide = Files.readString(Path.of("../docs/guide.md"));
        int start = guide.indexOf("\n## Public API\n");
        assertThat(start).as("docs/guide.md has a \"## Public API\" section").isNotNegative();
        int end = guide.indexOf("\n## ", start + 1);
        String section = guide.substring(start, end < 0 ? guide.length() : end);

        for (String name : API) {
            String simple = name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
            String written = name.contains(".annotation.") ? "`@" + simple : "`" + simple;
            assertThat(section).as("the guide's Public API section names " + name).contains(written);
        }
    }

    /** @return the binary names of core's public types (nested ones only when every enclosing type is public) */
    private static Set<String> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ParallelTools.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(root).as("core's classes as a directory (the reactor's target/classes)").isDirectory();
        Set<String> names = new TreeSet<>();
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(root)) {
            classFiles = files.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path file : classFiles) {
            String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
            name = name.substring(0, name.length() - ".class".length());
            if (name.endsWith("module-info") || name.endsWith("package-info")) {
                continue;
            }
            Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
            if (isVisible(type)) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isVisible(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    /** Every class a type's public and protected signatures name: supertypes, fields, methods, constructors. */
    private static Set<Class<?>> signatureTypes(Class<?> type) {
        Set<Class<?>> used = new java.util.HashSet<>();
        Set<Type> seen = new java.util.HashSet<>();
        Deque<Type> todo = new ArrayDeque<>();
        if (type.getGenericSuperclass() != null) {
            todo.add(type.getGenericSuperclass());
        }
        todo.addAll(List.of(type.getGenericInterfaces()));
        for (Field f : type.getDeclaredFields()) {
            if (isExposed(f.getModifiers()) && !f.isSynthetic()) {
                todo.add(f.getGenericType());
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (isExposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                todo.add(m.getGenericReturnType());
                addExecutable(m, todo);
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (isExposed(c.getModifiers()) && !c.isSynthetic()) {
                addExecutable(c, todo);
            }
        }
        while (!todo.isEmpty()) {
            Type t = todo.poll();
            if (!seen.add(t)) {
                continue; // a type variable bounded by itself, like Enum<E extends Enum<E>>
            }
            if (t instanceof Class<?> c) {
                while (c.isArray()) {
                    c = c.getComponentType();
                }
                used.add(c);
            } else if (t instanceof ParameterizedType p) {
                todo.add(p.getRawType());
                todo.addAll(List.of(p.getActualTypeArguments()));
            } else if (t instanceof GenericArrayType a) {
                todo.add(a.getGenericComponentType());
            } else if (t instanceof WildcardType w) {
                todo.addAll(List.of(w.getUpperBounds()));
                todo.addAll(List.of(w.getLowerBounds()));
            } else if (t instanceof TypeVariable<?> v) {
                for (Type bound : v.getBounds()) {
                    if (bound != Object.class) {
                        todo.add(bound);
                    }
                }
            }
        }
        return used;
    }

    private static void addExecutable(Executable e, Deque<Type> todo) {
        todo.addAll(List.of(e.getGenericParameterTypes()));
        todo.addAll(List.of(e.getGenericExceptionTypes()));
    }

    /** Public, or protected in a class users may extend: what a user's code can name. */
    private static boolean isExposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
