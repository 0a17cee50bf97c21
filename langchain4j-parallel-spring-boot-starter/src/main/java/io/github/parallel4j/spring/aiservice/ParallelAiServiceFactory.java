package io.github.parallel4j.spring.aiservice;

import static dev.langchain4j.agent.tool.ToolSpecifications.toolSpecificationFrom;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import io.github.parallel4j.ParallelTools;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.util.ReflectionUtils;

/**
 * Builds an {@code @AiService} the way LangChain4j's Spring Boot starter does (same wiring, same properties), but
 * with its tools and tool provider installed through {@link ParallelTools}. The auto-configuration puts it in
 * place of LangChain4j's own factory on each {@code @AiService} bean definition; applications do not use it
 * directly.
 */
public class ParallelAiServiceFactory implements FactoryBean<Object>, BeanFactoryAware {

    /** The bean properties LangChain4j's factory has, and this one replicates. */
    static final Set<String> PROPERTIES = Set.of("chatModel", "streamingChatModel", "chatMemory",
            "chatMemoryProvider", "contentRetriever", "retrievalAugmentor", "moderationModel", "toolProvider", "tools");

    private final Class<Object> aiServiceClass;
    private BeanFactory beanFactory;
    private ChatModel chatModel;
    private StreamingChatModel streamingChatModel;
    private ChatMemory chatMemory;
    private ChatMemoryProvider chatMemoryProvider;
    private ContentRetriever contentRetriever;
    private RetrievalAugmentor retrievalAugmentor;
    private ModerationModel moderationModel;
    private ToolProvider toolProvider;
    private List<Object> tools;

    /**
     * @param aiServiceClass the {@code @AiService} interface
     */
    public ParallelAiServiceFactory(Class<Object> aiServiceClass) {
        this.aiServiceClass = aiServiceClass;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        this.beanFactory = beanFactory;
    }

    public void setChatModel(ChatModel chatModel) {
        this.chatModel = chatModel;
    }

    public void setStreamingChatModel(StreamingChatModel streamingChatModel) {
        this.streamingChatModel = streamingChatModel;
    }

    public void setChatMemory(ChatMemory chatMemory) {
        this.chatMemory = chatMemory;
    }

    public void setChatMemoryProvider(ChatMemoryProvider chatMemoryProvider) {
        this.chatMemoryProvider = chatMemoryProvider;
    }

    public void setContentRetriever(ContentRetriever contentRetriever) {
        this.contentRetriever = contentRetriever;
    }

    public void setRetrievalAugmentor(RetrievalAugmentor retrievalAugmentor) {
        this.retrievalAugmentor = retrievalAugmentor;
    }

    public void setModerationModel(ModerationModel moderationModel) {
        this.moderationModel = moderationModel;
    }

    public void setToolProvider(ToolProvider toolProvider) {
        this.toolProvider = toolProvider;
    }

    public void setTools(List<Object> tools) {
        this.tools = tools;
    }

    @Override
    public Object getObject() {
        AiServices<Object> builder = AiServices.builder(aiServiceClass);
        if (chatModel != null) {
            builder.chatModel(chatModel);
        }
        if (streamingChatModel != null) {
            builder.streamingChatModel(streamingChatModel);
        }
        if (chatMemory != null) {
            builder.chatMemory(chatMemory);
        }
        if (chatMemoryProvider != null) {
            builder.chatMemoryProvider(chatMemoryProvider);
        }
        if (retrievalAugmentor != null) {
            builder.retrievalAugmentor(retrievalAugmentor);
        } else if (contentRetriever != null) {
            builder.contentRetriever(contentRetriever);
        }
        if (moderationModel != null) {
            builder.moderationModel(moderationModel);
        }
        List<Object> installed = new ArrayList<>();
        if (toolProvider != null) {
            installed.add(toolProvider);
        }
        if (tools != null) {
            for (Object tool : tools) {
                if (AopUtils.isAopProxy(tool)) {
                    installed.addAll(proxiedTools(tool));
                } else {
                    installed.add(tool);
                }
            }
        }
        ParallelTools parallel = beanFactory.getBean(ParallelTools.class);
        return parallel.install(builder, installed.toArray()).build();
    }

    /**
     * The tools of an AOP proxy: the {@code @Tool} methods are found on the proxied class (the proxy's overriding
     * methods carry no annotations) and invoked through the proxy, so that its advice (transactions, security)
     * still applies.
     */
    private static List<AiServiceTool> proxiedTools(Object proxy) {
        Class<?> target = AopProxyUtils.ultimateTargetClass(proxy);
        List<AiServiceTool> found = new ArrayList<>();
        for (Method original : ReflectionUtils.getUniqueDeclaredMethods(target)) {
            Tool tool = original.getAnnotation(Tool.class);
            if (tool == null) {
                continue;
            }
            Method onProxy = ReflectionUtils.findMethod(proxy.getClass(), original.getName(), original.getParameterTypes());
            if (onProxy == null) {
                throw new IllegalStateException("The @Tool method " + target.getName() + "." + original.getName()
                        + Arrays.toString(original.getParameterTypes()) + " is not visible on its AOP proxy "
                        + proxy.getClass().getName() + "; make it public or use a class-based proxy");
            }
            found.add(AiServiceTool.builder()
                    .toolSpecification(toolSpecificationFrom(original))
                    .toolExecutor(DefaultToolExecutor.builder()
                            .object(proxy)
                            .originalMethod(original)
                            .methodToInvoke(onProxy)
                            .wrapToolArgumentsExceptions(true)
                            .propagateToolExecutionExceptions(true)
                            .build())
                    .returnBehavior(tool.returnBehavior())
                    .build());
        }
        return found;
    }

    @Override
    public Class<?> getObjectType() {
        return aiServiceClass;
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
