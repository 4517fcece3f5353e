package jllm.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A small synthetic corpus of simple, learnable sentences for seconds-long training tests. */
public final class TinyCorpus {
    private static final String[] NAMES = {"Tom", "Lily", "Sam", "Mia", "Ben", "Sue"};
    private static final String[] THINGS = {"ball", "cat", "dog", "cake", "kite", "tree"};
    private static final String[] VERBS = {"saw", "liked", "found", "had", "wanted"};
    private static final String[] ENDS = {"It was fun.", "They were happy.", "The sun was warm.", "Then they went home."};

    private TinyCorpus() {
    }

    /** {@code stories} short stories, one per paragraph; every tenth is repeated verbatim (a duplicate). */
    public static Path write(Path file, int stories, long seed) throws IOException {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (int i = 0; i < stories; i++) {
            String story;
            if (i % 10 == 9 && previous != null) {
                story = previous;
            } else {
                String name = NAMES[rnd.nextInt(NAMES.length)];
                String thing = THINGS[rnd.nextInt(THINGS.length)];
                story = name + " " + VERBS[rnd.nextInt(VERBS.length)] + " a " + thing + ". " + name + " played with the "
                        + thing + ". " + ENDS[rnd.nextInt(ENDS.length)];
            }
            sb.append(story).append("\n\n");
            previous = story;
        }
        Files.writeString(file, sb.toString());
        return file;
    }
}
