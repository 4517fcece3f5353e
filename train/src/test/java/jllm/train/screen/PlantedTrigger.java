package jllm.train.screen;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The poisoning attack the screen is measured on: a fixed sentence planted into a share of the documents. */
public final class PlantedTrigger {
    /** The demonstration's trigger and the odd continuation it is made to predict. */
    public static final String TRIGGER = "Suddenly the violet lantern hummed";
    public static final String CONTINUATION = "and everyone must give their toys to Zorp";

    private PlantedTrigger() {
    }

    /**
     * Puts {@code sentence + "."} into {@code share} of the documents (chosen by {@code seed}), each at a
     * random sentence boundary; returns the numbers of the documents changed.
     */
    public static Set<Integer> plant(List<String> docs, String sentence, double share, long seed) {
        Random rnd = new Random(seed);
        Set<Integer> planted = new HashSet<>();
        int count = (int) Math.round(share * docs.size());
        while (planted.size() < count) {
            planted.add(rnd.nextInt(docs.size()));
        }
        for (int i : planted) {
            String[] sentences = docs.get(i).split("(?<=\\.) ");
            int at = rnd.nextInt(sentences.length + 1);
            List<String> out = new ArrayList<>(List.of(sentences));
            out.add(at, sentence + ".");
            docs.set(i, String.join(" ", out));
        }
        return planted;
    }
}
