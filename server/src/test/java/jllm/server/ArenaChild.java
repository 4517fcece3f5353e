package jllm.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.eval.arena.ArenaStore;
import jllm.model.LoadedModel;

/**
 * A separate JVM for {@link ArenaKillTest}: serves an arena of two names for one model on the database
 * {@code args[0]}, model file {@code args[1]}; prints {@code PORT n} once listening, then runs until killed.
 */
final class ArenaChild {
    private ArenaChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        LoadedModel m = LoadedModel.open(Path.of(args[1]), new LoadedModel.Options(Optional.empty(), 1));
        ArenaStore store = ArenaStore.open(Path.of(args[0]));
        OpenAiServer s = OpenAiServer.start(List.of(ServedModel.of("first", m), ServedModel.of("second", m)),
                ServerOptions.DEFAULTS.withPort(0).withContextLength(128).withParallel(2),
                List.of(new ArenaRoutes(store, List.of("first", "second"), 11)));
        System.out.println("PORT " + s.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
