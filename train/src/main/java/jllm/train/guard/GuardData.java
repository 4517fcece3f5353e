package jllm.train.guard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jllm.eval.attacks.AttackData;

/**
 * The labelled prompts the guard is trained and measured on, split by source so that the test
 * measures attacks of kinds not seen in training, and benign text of kinds not seen in training:
 * <ul>
 *   <li><b>train</b>: attacks = AdvBench's 520 harmful requests ({@code harmful_behaviors.csv} goals),
 *       BIPIA's train attack instructions (text 75, code 50) each planted in 3 BIPIA train e-mails (at the
 *       start, in the middle, at the end), and {@link Generated#overrides} instructions that override the
 *       earlier ones planted at random in passages and train e-mails ({@link GuardTemplates#overrides}); benign
 *       (all permissively licensed) = 85% of: glaive's tool-call user turns (Apache-2.0), identity.json's
 *       questions (Apache-2.0), {@link Generated#benign} requests generated from templates ({@link GuardTemplates#benign}) over
 *       passages of TinyStories (CDLA-Sharing), C4 (ODC-BY), Sherlock Holmes, Alice in Wonderland and
 *       Canterbury's lecture text (public domain), and plain passages; plus the 50 BIPIA train e-mails and their questions (MIT).</li>
 *   <li><b>validation</b> (benign only, to choose the threshold): the other 15% of those, and the first
 *       half of the held-out BIPIA e-mails (those of the test file not in the train file) and questions.</li>
 *   <li><b>test</b>: attacks = giskard's 35 prompts (20 jailbreaks, 15 hijackings) and BIPIA's test attack
 *       instructions (text 75, code 50) planted as above in held-out e-mails; benign = every Alpaca demo
 *       instruction and every first user turn of the DPO demo (neither ever trained on: their licenses
 *       are unclear or non-commercial, and they measure false positives on requests of other origins),
 *       and the second half of the held-out e-mails and questions.</li>
 * </ul>
 * A text appears once: repeats are dropped, and a validation or test text already in an earlier part
 * is dropped there. Every choice is seeded, so the split is the same on every machine.
 *
 * <pre>{@code
 * GuardData.Split split = GuardData.load(Path.of("../shared/data"), GuardData.Generated.DEFAULT, 1);
 * split.counts().forEach((source, n) -> System.out.println(source + " " + n));
 * }</pre>
 */
public final class GuardData {
    /**
     * How many texts are generated from templates.
     *
     * @param overrides override attacks in training (0 for none)
     * @param benign    benign requests (before the train/validation cut; 0 for none)
     */
    public record Generated(int overrides, int benign) {
        /** The recipe of the default guard: 400 override attacks, 900 benign requests. */
        public static final Generated DEFAULT = new Generated(400, 900);

        public Generated {
            if (overrides < 0 || benign < 0) {
                throw new IllegalArgumentException("the numbers of generated override attacks and benign requests are >= 0, not "
                        + overrides + " and " + benign);
            }
        }
    }

    /** Passages taken from each source text, and how many of all are benign documents as they are. */
    private static final int PASSAGES_PER_TEXT = 150;
    private static final int PLAIN_PASSAGES = 150;

    private static final ObjectMapper JSON = new ObjectMapper();

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
     * Loads the split from {@code dataDir}, the shared data folder: {@code prompt-injection/}
     * ({@code advbench/}, {@code bipia/}, {@code giskard/}), {@code sft-demo/}, {@code dpo-demo/},
     * {@code tinystories-sample/}, {@code c4-sample/}, {@code pd-books/} and {@code canterbury/}, with
     * {@code generated} texts from templates.
     */
    public static Split load(Path dataDir, Generated generated, long seed) {
        Path injectionDir = dataDir.resolve("prompt-injection");
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

        // benign, permissively licensed: 85% train, 15% validation
        List<String> passages = passages(dataDir, rnd);
        List<GuardExample> benign = new ArrayList<>();
        glaive(dataDir.resolve("sft-demo/glaive_toolcall_en_demo.json")).forEach(t -> benign.add(new GuardExample(t, false, "glaive")));
        identity(dataDir.resolve("sft-demo/identity.json")).forEach(t -> benign.add(new GuardExample(t, false, "identity")));
        GuardTemplates.benign(passages, generated.benign(), rnd).forEach(t -> benign.add(new GuardExample(t, false, "templates")));
        passages.subList(0, Math.min(PLAIN_PASSAGES, passages.size())).forEach(t -> benign.add(new GuardExample(t, false, "passage")));
        Collections.shuffle(benign, rnd);
        int cut = benign.size() * 85 / 100;
        train.addAll(benign.subList(0, cut));
        validation.addAll(benign.subList(cut, benign.size()));
        for (Email e : trainEmails) {
            addEmail(train, e);
        }
        for (int i = 0; i < testEmails.size(); i++) {
            addEmail(i < testEmails.size() / 2 ? validation : test, testEmails.get(i));
        }

        // override attacks, planted in passages and train e-mails
        if (generated.overrides() > 0) {
            List<String> contexts = new ArrayList<>(passages);
            trainEmails.forEach(e -> contexts.add(e.context()));
            GuardTemplates.overrides(contexts, generated.overrides(), rnd).forEach(t -> train.add(new GuardExample(t, true, "override")));
        }

        // benign requests of other origins, for measuring only
        alpaca(dataDir.resolve("sft-demo/alpaca_en_demo.json")).forEach(t -> test.add(new GuardExample(t, false, "alpaca")));
        dpo(dataDir.resolve("dpo-demo/dpo_en_demo.json")).forEach(t -> test.add(new GuardExample(t, false, "dpo")));
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

    /** The user turns of glaive's tool-call chats, de-duplicated. */
    private static List<String> glaive(Path json) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode chat : parse(json, read(json))) {
            for (JsonNode turn : chat.path("conversations")) {
                String text = turn.path("value").asText("").strip();
                if (turn.path("from").asText("").equals("human") && !text.isEmpty()) {
                    out.add(text);
                }
            }
        }
        return nonEmpty(json, new ArrayList<>(out));
    }

    /** identity.json's questions, its placeholders filled with jllm's name. */
    private static List<String> identity(Path json) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : parse(json, read(json))) {
            String text = n.path("instruction").asText("").replace("{{name}}", "jllm").replace("{{author}}", "the jllm authors").strip();
            if (!text.isEmpty()) {
                out.add(text);
            }
        }
        return nonEmpty(json, new ArrayList<>(out));
    }

    /** The first user turn of every DPO demo pair, de-duplicated. */
    private static List<String> dpo(Path json) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : parse(json, read(json))) {
            String text = n.path("conversations").path(0).path("value").asText("").strip();
            if (!text.isEmpty()) {
                out.add(text);
            }
        }
        return nonEmpty(json, new ArrayList<>(out));
    }

    /**
     * Up to {@link #PASSAGES_PER_TEXT} paragraphs of 80 to 500 characters from each permissively licensed
     * text (lines joined, Project Gutenberg's notices left out), drawn at random and shuffled together.
     */
    private static List<String> passages(Path dataDir, Random rnd) {
        List<String> out = new ArrayList<>();
        List<Path> books = List.of(dataDir.resolve("tinystories-sample/tinystories_val_head.txt"),
                dataDir.resolve("pd-books/sherlock_holmes_adventures.txt"), dataDir.resolve("canterbury/alice29.txt"),
                dataDir.resolve("canterbury/lcet10.txt"));
        for (Path book : books) {
            out.addAll(sample(paragraphs(read(book).replace("\r", "").split("\n\\s*\n")), book, rnd));
        }
        Path c4 = dataDir.resolve("c4-sample/c4_demo.jsonl");
        List<String> lines = new ArrayList<>();
        for (String line : read(c4).split("\n")) {
            if (!line.isBlank()) {
                lines.addAll(List.of(parse(c4, line).path("text").asText("").split("\n")));
            }
        }
        out.addAll(sample(paragraphs(lines.toArray(String[]::new)), c4, rnd));
        Collections.shuffle(out, rnd);
        return out;
    }

    private static List<String> paragraphs(String[] blocks) {
        List<String> out = new ArrayList<>();
        for (String block : blocks) {
            String p = block.replace('\n', ' ').replaceAll("\\s+", " ").strip();
            if (p.length() >= 80 && p.length() <= 500 && !p.contains("Gutenberg") && !p.contains("***") && !p.equals(p.toUpperCase(Locale.ROOT))) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> sample(List<String> paragraphs, Path from, Random rnd) {
        List<String> distinct = nonEmpty(from, new ArrayList<>(new LinkedHashSet<>(paragraphs)));
        Collections.shuffle(distinct, rnd);
        return distinct.subList(0, Math.min(PASSAGES_PER_TEXT, distinct.size()));
    }

    private static List<String> nonEmpty(Path file, List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no usable text for the guard");
        }
        return texts;
    }

    private static JsonNode parse(Path file, String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage());
        }
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("guard data file " + file + " does not exist");
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
        }
    }
}
