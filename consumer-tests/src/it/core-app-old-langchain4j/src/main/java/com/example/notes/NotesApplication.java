package com.example.notes;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import io.github.parallel4j.ParallelTools;
import io.github.parallel4j.annotation.ParallelSafe;

/** Builds a ParallelTools and installs it on an AI service, as the README's Quick start does. */
public class NotesApplication {

    interface Assistant {
        String chat(String message);
    }

    static class NoteTools {
        @Tool("A note by id")
        @ParallelSafe
        public String note(String id) {
            return "note " + id;
        }
    }

    public static void main(String[] args) {
        ParallelTools parallel = ParallelTools.builder().build();
        parallel.install(AiServices.builder(Assistant.class), new NoteTools());
        System.out.println("notes: installed on an old LangChain4j, which should have been refused");
    }
}
