package io.github.parallel4j.internal.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.memory.ChatMemoryService;

/**
 * Who may see a cached read or a kept result: the installation whose tools produced it (one AI service with its
 * tool objects: another AI service's tools, even of the same class, are another tenant's) and the conversation it
 * belongs to. Equal only for the same installation (by identity) and an equal conversation.
 *
 * @param installation the installation
 * @param conversation the conversation, or {@link ReadCache#SHARED} for every conversation of the installation
 */
record ResultScope(Installation installation, Object conversation) {

    /**
     * The scope of one invocation's results: its conversation's when the AI service method names one with
     * {@code @MemoryId}; otherwise only the invocation's own, since LangChain4j gives every invocation without a
     * memory id the same id ("default") and that would mix users. Without a context, a scope no one else has.
     */
    static ResultScope of(Installation installation, InvocationContext context) {
        Object conversation = conversationOrInvocation(context);
        return new ResultScope(installation, conversation != null ? conversation : new Object());
    }

    /** The memory id when it is the invocation's own, else the invocation id; null when there is neither. */
    static Object conversationOrInvocation(InvocationContext context) {
        if (context == null) {
            return null;
        }
        Object memoryId = context.chatMemoryId();
        if (memoryId != null && !ChatMemoryService.DEFAULT.equals(memoryId)) {
            return memoryId;
        }
        return context.invocationId();
    }

    @Override
    public String toString() {
        return String.valueOf(conversation);
    }
}
