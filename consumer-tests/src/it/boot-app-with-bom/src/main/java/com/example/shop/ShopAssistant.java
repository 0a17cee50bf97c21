package com.example.shop;

import dev.langchain4j.service.spring.AiService;

@AiService
public interface ShopAssistant {

    String chat(String message);
}
