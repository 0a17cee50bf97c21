package io.github.parallel4j.docs;

import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.tool.ToolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a documentation snippet may use without declaring it: every wrapped snippet (see {@link DocsSnippetsTest})
 * is compiled as a subclass of this class, so these names are in scope, and a snippet that declares the same name
 * simply hides the one here.
 *
 * <p>Only for compiling: nothing here is ever run.
 */
public abstract class SnippetContext {

    /** The chat model the AI service talks to. */
    protected ChatModel model;

    /** A streaming chat model. */
    protected StreamingChatModel streamingModel;

    /** A tool provider whose tools cannot be annotated (MCP, for instance). */
    protected ToolProvider mcpToolProvider;

    /** The model provider's token counter. */
    protected TokenCountEstimator tokenCountEstimator;

    /** A logger. */
    protected Logger log = LoggerFactory.getLogger(SnippetContext.class);

    /** The AI service of most snippets. */
    public interface Assistant {
        /**
         * @param userMessage what the user says
         * @return the answer
         */
        String chat(String userMessage);
    }

    /** A domain type the snippets' tools return. */
    public record Incident(String id, String service) {}

    /** A domain type the snippets' tools return. */
    public record Order(String orderId, String customerId) {}

    /** A domain type the snippets' tools return. */
    public record Metrics(double p99Millis, double errorRate) {}

    /** A payment service stand-in. */
    public interface Payments {
        /**
         * @param orderId the order
         * @param idempotencyKey the same on every attempt
         * @return a receipt
         */
        String refund(String orderId, String idempotencyKey);
    }

    /** A payment service. */
    protected Payments payments;
}
