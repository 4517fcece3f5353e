package jllm.train.guard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import jllm.eval.attacks.AttackData;

/**
 * The labelled prompts the guard is trained and measured on, split by source so that the test
 * measures attacks of kinds not seen in training:
 * <ul>
 *   <li><b>train</b>: attacks = AdvBench's 520 harmful requests ({@code harmful_behaviors.csv} goals) and
 *       BIPIA's train attack instructions (text 75, code 50), each planted in 3 BIPIA train e-mails (at the
 *       start, in the middle, at the end); benign = 60% of the Alpaca demo instructions and the 50 BIPIA
 *       train e-mails and their questions, clean.</li>
 *   <li><b>validation</b> (benign only, to choose the threshold): 20% of the Alpaca instructions and the
 *       first half of the held-out BIPIA e-mails (those of the test file not in the train file) and their
 *       questions.</li>
 *   <li><b>test</b>: attacks = giskard's 35 prompts (20 jailbreaks, 15 hijackings) and BIPIA's test attack
 *       instructions (text 75, code 50) planted as above in held-out e-mails; benign = the other 20% of
 *       the Alpaca instructions and the second half of the held-out e-mails and their questions.</li>
 * </ul>
 * A text appears once: repeats are dropped, and a validation or test text already in an earlier part
 * (the e-mail files repeat questions) is dropped there. The Alpaca instructions are shuffled with a
 * fixed seed; every choice is seeded, so the split is the same on every machine.
 *
 * <pre>{@code
 * GuardData.Split split = GuardData.load(Path.of("../shared/data/prompt-injection"), Path.of("../shared/data/sft-demo"), 1);
 * split.counts().forEach((source, n) -> System.out.println(source + " " + n));
 * }</pre>
 */
public final class GuardData {
    private GuardData() {
    }

    /** The three parts; see the class comment for what each holds. */
    public record Split(List<GuardExample> train, List<GuardExample> validation, List<GuardExample> test) {
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
            test = List.copyOf(test);
        }

        /** Examples per part and source, as {@code "train advbench attack" -> 520}, in load order. */
        public Map<String, Integer> counts() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            count(counts, "train", train);
            count(counts, "validation", validation);
            count(counts, "test", test);
            return counts;
        }

        private static void count(Map<String, Integer> counts, String part, List<GuardExample> examples) {
            for (GuardExample e : examples) {
                counts.merge(part + " " + e.source() + " " + (e.attack() ? "attack" : "benign"), 1, Integer::sum);
            }
        }
    }

    /**
     * Loads the split from {@code injectionDir} (the {@code prompt-injection} folder: {@code advbench/},
     * {@code bipia/}, {@code giskard/}) and {@code sftDemoDir} (holding {@code alpaca_en_demo.json}).
     */
    public static Split load(Path injectionDir, Path sftDemoDir, long seed) {
        Random rnd = new Random(seed);
        List<GuardExample> train = new ArrayList<>();
        List<GuardExample> validation = new ArrayList<>();
        List<GuardExample> test = new ArrayList<>();

        // attacks seen in training: harmful requests and planted indirect instructions
        for (List<String> row : rows(injectionDir.resolve("advbench/harmful_behaviors.csv"), "goal")) {
            train.add(new GuardExample(row.get(0), true, "advbench"));
        }
        List<Email> trainEmails = emails(injectionDir.resolve("bipia/email/train.jsonl"));
        // the two e-mail files share e-mails and questions: held-out ones are those the train file lacks
        Set<String> trainContexts = new HashSet<>();
        trainEmails.forEach(e -> trainContexts.add(e.context()));
        List<Email> testEmails = emails(injectionDir.resolve("bipia/email/test.jsonl")).stream()
                .filter(e -> !trainContexts.contains(e.context())).toList();
        plant(train, attacks(injectionDir.resolve("bipia/text_attack_train.json")), trainEmails, "bipia-text", rnd);
        plant(train, attacks(injectionDir.resolve("bipia/code_attack_train.json")), trainEmails, "bipia-code", rnd);

        // attacks of kinds never seen in training: jailbreaks, hijackings; planted instructions held out
        for (List<String> row : rows(injectionDir.resolve("giskard/prompt_injections.csv"), "index")) {
            if (row.size() < 4) {
                throw new IllegalArgumentException(injectionDir.resolve("giskard/prompt_injections.csv")
                        + ": a row has " + row.size() + " fields, expected index,prompt,name,group,...");
            }
            String group = row.get(3).startsWith("Jailbreak") ? "giskard-jailbreak" : "giskard-hijacking";
            test.add(new GuardExample(row.get(1), true, group));
        }
        plant(test, attacks(injectionDir.resolve("bipia/text_attack_test.json")), testEmails, "bipia-text", rnd);
        plant(test, attacks(injectionDir.resolve("bipia/code_attack_test.json")), testEmails, "bipia-code", rnd);

        // benign: instructions 60/20/20, e-mails by file
        List<String> alpaca = alpaca(sftDemoDir.resolve("alpaca_en_demo.json"));
        Collections.shuffle(alpaca, rnd);
        int a = alpaca.size() * 6 / 10;
        int b = alpaca.size() * 8 / 10;
        alpaca.subList(0, a).forEach(t -> train.add(new GuardExample(t, false, "alpaca")));
        alpaca.subList(a, b).forEach(t -> validation.add(new GuardExample(t, false, "alpaca")));
        alpaca.subList(b, alpaca.size()).forEach(t -> test.add(new GuardExample(t, false, "alpaca")));
        for (int i = 0; i < trainEmails.size(); i++) {
            addEmail(train, trainEmails.get(i));
        }
        for (int i = 0; i < testEmails.size(); i++) {
            addEmail(i < testEmails.size() / 2 ? validation : test, testEmails.get(i));
        }
        return new Split(distinct(train, Set.of()), distinct(validation, texts(train)), distinct(test, texts(train, validation)));
    }

    /** {@code examples} without repeated texts and without the texts in {@code seen}. */
    private static List<GuardExample> distinct(List<GuardExample> examples, Set<String> seen) {
        Set<String> kept = new HashSet<>(seen);
        return examples.stream().filter(e -> kept.add(e.text())).toList();
    }

    @SafeVarargs
    private static Set<String> texts(List<GuardExample>... parts) {
        Set<String> s = new HashSet<>();
        for (List<GuardExample> part : parts) {
            part.forEach(e -> s.add(e.text()));
        }
        return s;
    }

    /** A BIPIA e-mail: its text and the question a user asks about it. */
    private record Email(String context, String question) {
    }

    private static void addEmail(List<GuardExample> into, Email e) {
        into.add(new GuardExample(e.context(), false, "bipia-email"));
        into.add(new GuardExample(e.question(), false, "bipia-question"));
    }

    /** Plants each attack in 3 e-mails (drawn without replacement, cycling), at the start, middle and end. */
    private static void plant(List<GuardExample> into, List<String> attacks, List<Email> emails, String source, Random rnd) {
        List<Email> order = new ArrayList<>(emails);
        Collections.shuffle(order, rnd);
        Iterator<Email> it = order.iterator();
        for (String attack : attacks) {
            for (int position = 0; position < 3; position++) {
                if (!it.hasNext()) {
                    it = order.iterator();
                }
                String context = it.next().context();
                String text = switch (position) {
                    case 0 -> attack + "\n" + context;
                    case 1 -> {
                        int mid = context.indexOf(' ', context.length() / 2);
                        int at = mid < 0 ? context.length() : mid;
                        yield context.substring(0, at) + "\n" + attack + "\n" + context.substring(at).strip();
                    }
                    default -> context + "\n" + attack;
                };
                into.add(new GuardExample(text, true, source));
            }
        }
    }

    private static List<List<String>> rows(Path csv, String firstHeader) {
        return AttackData.csvRows(csv, firstHeader);
    }

    /** BIPIA's {@code {category: [instruction, ...]}}, flattened in file order. */
    private static List<String> attacks(Path json) {
        return AttackData.bipiaAttacks(json).values().stream().flatMap(List::stream).toList();
    }

    private static List<Email> emails(Path jsonl) {
        return AttackData.bipiaEmails(jsonl).stream().map(e -> new Email(e.context(), e.question())).toList();
    }

    /** The Alpaca demo's instructions (with their input, when there is one), de-duplicated. */
    private static List<String> alpaca(Path json) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : AttackData.json(json)) {
            String instruction = n.path("instruction").asText("").strip();
            String input = n.path("input").asText("").strip();
            if (!instruction.isEmpty()) {
                out.add(input.isEmpty() ? instruction : instruction + "\n" + input);
            }
        }
        return new ArrayList<>(out);
    }
}
