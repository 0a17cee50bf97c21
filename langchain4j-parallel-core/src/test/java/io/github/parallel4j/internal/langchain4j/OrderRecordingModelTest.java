package io.github.parallel4j.internal.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The streaming model's wrapper forwards everything: a method LangChain4j adds to the model or to the handler (a
 * default method, which would otherwise be silently swallowed or bypass the wrapper) fails this test until the wrapper
 * forwards it too.
 *
 * <p>One family is left out on purpose: the reactive methods returning a {@link Flow.Publisher} that
 * {@code langchain4j-core} 1.23 adds ({@code chat(ChatRequest)}, {@code doChat(ChatRequest)}, ...). Their types do not
 * exist in the LangChain4j the library is built against, so the wrapper cannot declare them; and the wrapper is seen
 * only by LangChain4j's AI service of the same invocation, which (up to {@code langchain4j} 1.19) streams through
 * {@code chat(ChatRequest, handler)} and never calls them. Called on the wrapper, they fail loudly (LangChain4j's own
 * "not supported" publisher), never silently around the recording.
 */
class OrderRecordingModelTest {

    private static List<String> notOverridden(Class<?> api, Class<?> wrapper) {
        List<String> missing = new ArrayList<>();
        for (Method method : api.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class
                    || Flow.Publisher.class.isAssignableFrom(method.getReturnType())) {
                continue;
            }
            try {
                Method own = wrapper.getDeclaredMethod(method.getName(), method.getParameterTypes());
                if (own.getDeclaringClass() != wrapper) {
                    missing.add(method.toString());
                }
            } catch (NoSuchMethodException e) {
                missing.add(method.toString());
            }
        }
        return missing;
    }

    @Test
    void should_forward_every_method_of_the_streaming_model() {
        assertThat(notOverridden(StreamingChatModel.class, OrderRecordingModel.class)).isEmpty();
    }

    @Test
    void should_forward_every_event_of_the_streaming_handler() {
        Class<?> recording = Arrays.stream(OrderRecordingModel.class.getDeclaredClasses())
                .filter(c -> c.getSimpleName().equals("Recording")).findFirst().orElseThrow();
        assertThat(notOverridden(StreamingChatResponseHandler.class, recording)).isEmpty();
    }
}
