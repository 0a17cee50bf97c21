package io.github.parallel4j.samples.assistant;

import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /conversations/{id}/messages} with {@code {"message": "..."}}: the assistant's answer, and the tool runs of that request. */
@RestController
public class ChatController {

    /** The request body. */
    public record ChatRequest(String message) {}

    /** The response: the answer, how long the turn took, and the tool runs it made. */
    public record ChatResponse(String answer, long elapsedMillis, List<ShopTools.Run> toolRuns) {}

    private final SupportAssistant assistant;
    private final ShopTools tools;

    public ChatController(SupportAssistant assistant, ShopTools tools) {
        this.assistant = assistant;
        this.tools = tools;
    }

    @PostMapping("/conversations/{id}/messages")
    public ChatResponse chat(@PathVariable String id, @RequestBody ChatRequest request) {
        if (request == null || request.message() == null || request.message().isBlank()) {
            throw new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.BAD_REQUEST, "the body needs a non-blank \"message\"");
        }
        int before = tools.runs().size();
        long start = System.nanoTime();
        String answer = assistant.chat(id, request.message());
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        List<ShopTools.Run> runs = tools.runs();
        return new ChatResponse(answer, elapsed, runs.subList(before, runs.size()));
    }
}
