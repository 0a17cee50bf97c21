package com.example.shop;

import dev.langchain4j.agent.tool.Tool;
import io.github.parallel4j.annotation.ParallelSafe;
import org.springframework.stereotype.Component;

@Component
public class ShopTools {

    @Tool("The status of an order")
    @ParallelSafe(resourceKey = "order:{orderId}")
    public String orderStatus(String orderId) {
        return "order " + orderId + ": shipped";
    }

    @Tool("A customer's name")
    @ParallelSafe
    public String customerName(String customerId) {
        return "customer " + customerId + ": Ada";
    }
}
