package io.github.parallel4j.bench;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;
import io.github.parallel4j.annotation.Writes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The streamed turn (on demand: {@code Scenarios --only streaming}): a streaming model writes 8 tool calls 100 ms
 * apart (300 ms reads, one of them referring to the first call's output, and a keyed write to an order read before
 * it), and the turn is timed from the request to the answer, for the library's early start (streaming with
 * {@code executeToolsConcurrently()}), the library waiting for the whole message (streaming without it), and
 * LangChain4j's own early start with no safety. The bound is the streamed critical path: each call's earliest start
 * is its own arrival, and the calls it depends on must have finished.
 *
 * <p>A violation is a write that started before the read of its order ended, or a call that received a literal
 * {@code $call_1...} reference instead of the value.
 */
final class StreamedTurnScenario {

    /** One contender's measurements. */
    record Row(String contender, double p50Ms, double p95Ms, double boundMs, int violations) {
        String line() {
            return String.format("%-55s p50 %7.1f ms  p95 %7.1f ms  bound %7.1f ms  p50/bound %.2f  violations %d",
                    contender, p50Ms, p95Ms, boundMs, p50Ms / boundMs, violations);
        }
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    /** The tools: every call sleeps its latency and records when it ran. */
    public static final class Tools {
        private final long readMillis;
        private final List<long[]> runs = new ArrayList<>(); // {call number, start, end}
        private volatile boolean literalSeen;

        Tools(long readMillis) {
            this.readMillis = readMillis;
        }

        @Tool
        @ParallelSafe(resourceKey = "order:{orderId}")
        public String order(String orderId) throws InterruptedException {
            return record(Integer.parseInt(orderId), "{\"orderId\":\"" + orderId + "\",\"customerId\":\"c" + orderId
                    + "\"}");
        }

        @Tool
        @ParallelSafe
        public String customer(String customerId) throws InterruptedException {
            literalSeen |= customerId.startsWith("$");
            return record(3, "{\"customerId\":\"" + customerId + "\"}");
        }

        @Tool
        @Writes(resourceKey = "order:{orderId}")
        public String cancel(String orderId) throws InterruptedException {
            return record(6, "cancelled");
        }

        private String record(int call, String result) throws InterruptedException {
            long start = System.nanoTime();
            Thread.sleep(readMillis);
            synchronized (runs) {
                runs.add(new long[] {call, start, System.nanoTime()});
            }
            return result;
        }

        /** @return violations of the turn's rules seen since the last call, and forgets them */
        int violations() {
            synchronized (runs) {
                long readOfTwoEnd = -1;
                long writeStart = -1;
                for (long[] run : runs) {
                    if (run[0] == 2) {
                        readOfTwoEnd = run[2];
                    } else if (run[0] == 6) {
                        writeStart = run[1];
                    }
                }
                int violations = (writeStart >= 0 && readOfTwoEnd >= 0 && writeStart < readOfTwoEnd ? 1 : 0)
                        + (literalSeen ? 1 : 0);
                runs.clear();
                literalSeen = false;
                return violations;
            }
        }
    }

    /** Writes the message's calls {@code gap} apart, on a thread of its own, then answers the tool results with text. */
    static final class StreamingModel implements StreamingChatModel {
        private final long gapMillis;

        StreamingModel(long gapMillis) {
            this.gapMillis = gapMillis;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            List<ChatMessage> messages = request.messages();
            if (messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage) {
                handler.onPartialResponse("done");
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("done")).build());
                return;
            }
            Thread stream = new Thread(() -> {
                List<ToolExecutionRequest> calls = calls();
                try {
                    for (int i = 0; i < calls.size(); i++) {
                        Thread.sleep(gapMillis);
                        handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
                    }
                } catch (InterruptedException e) {
                    handler.onError(e);
                    return;
                }
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(calls)).build());
            }, "streamed-turn-model");
            stream.setDaemon(true);
            stream.start();
        }

        static List<ToolExecutionRequest> calls() {
            List<ToolExecutionRequest> calls = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                String name = i == 3 ? "customer" : i == 6 ? "cancel" : "order";
                String arguments = i == 3 ? "{\"customerId\":\"$call_1.customerId\"}"
                        : "{\"orderId\":\"" + (i == 6 ? 2 : i) + "\"}";
                calls.add(ToolExecutionRequest.builder().id("call_" + i).name(name).arguments(arguments).build());
            }
            return calls;
        }
    }

    private final double scale;
    private final int repetitions;
    private final Consumer<String> progress;

    /**
     * @param scale 1.0 for the stated times (100 ms apart, 300 ms reads); smaller for a quick check
     * @param repetitions turns per contender, after one warm-up turn
     * @param progress where each row's line goes
     */
    StreamedTurnScenario(double scale, int repetitions, Consumer<String> progress) {
        this.scale = scale;
        this.repetitions = repetitions;
        this.progress = progress;
    }

    /** @return the streamed critical path: each call starts at its arrival, after what it depends on */
    double boundMillis() {
        double gap = 100 * scale;
        double read = 300 * scale;
        double[] end = new double[9];
        for (int i = 1; i <= 8; i++) {
            double start = i * gap;
            if (i == 3) {
                start = Math.max(start, end[1]);
            } else if (i == 6) {
                start = Math.max(start, end[2]);
            }
            end[i] = start + read;
        }
        return Arrays.stream(end).max().orElse(0);
    }

    List<Row> run() throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(measure("langchain4j-parallel, early start (executeToolsConcurrently)", true, true));
        rows.add(measure("langchain4j-parallel, waiting for the whole message", true, false));
        rows.add(measure("LangChain4j executeToolsConcurrently(), no safety", false, true));
        rows.forEach(row -> progress.accept(row.line()));
        return rows;
    }

    private Row measure(String label, boolean library, boolean concurrent) throws Exception {
        Tools tools = new Tools(Math.round(300 * scale));
        StreamingModel model = new StreamingModel(Math.round(100 * scale));
        AiServices<StreamingAssistant> builder = AiServices.builder(StreamingAssistant.class);
        if (library) {
            ParallelTools.builder().build().install(builder, tools);
        } else {
            builder.tools(tools);
        }
        builder.streamingChatModel(model);
        if (concurrent) {
            builder.executeToolsConcurrently();
        }
        StreamingAssistant assistant = builder.build();
        turn(assistant);
        tools.violations();
        double[] millis = new double[repetitions];
        int violations = 0;
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            turn(assistant);
            millis[r] = (System.nanoTime() - start) / 1e6;
            violations += tools.violations();
        }
        Arrays.sort(millis);
        return new Row(label, percentile(millis, 50), percentile(millis, 95), boundMillis(), violations);
    }

    private static void turn(StreamingAssistant assistant) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        assistant.chat("go").onPartialResponse(p -> {})
                .onCompleteResponse(r -> done.complete(r.aiMessage().text()))
                .onError(done::completeExceptionally)
                .start();
        done.get(60, TimeUnit.SECONDS);
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
