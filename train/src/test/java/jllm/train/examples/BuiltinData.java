package jllm.train.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jllm.chat.ChatMessage;
import jllm.format.json.Json;
import jllm.train.ChatExamples;

/**
 * Writes the synthetic instruction and preference sets of the built-in model from permitted data only:
 * TinyStories (CDLA-Sharing-1.0; only the first 85% of the sample, so the validation tail stays unseen),
 * the English records of LLaMA-Factory's identity.json (Apache-2.0; the others are Chinese, which the
 * tokenizer learned from TinyStories can spell only byte by byte) and English identity questions
 * written here ({@link IdentityQa}). A program, not a test:
 * {@code BuiltinData <tinystories.txt> <identity.json> <outDir>} writes sft.jsonl and dpo.jsonl.
 */
public final class BuiltinData {
    static final String[] NOUNS = {"cat", "dog", "ball", "tree", "bird", "fish", "park", "car", "flower", "boat", "sun",
            "cake", "toy", "bear", "rabbit", "frog", "house", "garden", "box", "apple", "kite", "duck", "truck", "book"};
    static final String NAME = "jllm-tiny";
    static final String AUTHOR = "the jllm project";

    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]));
        Path out = Files.createDirectories(Path.of(args[2]));
        text = text.substring(0, (int) (text.length() * 0.85));
        List<String> stories = new ArrayList<>();
        for (String p : text.split("\n\\s*\n")) {
            String s = p.strip();
            if (s.length() >= 150 && s.length() <= 600 && !s.contains("\"\"")) {
                stories.add(s);
            }
        }
        Random rnd = new Random(2026);
        Collections.shuffle(stories, rnd);
        List<List<ChatMessage>> english = ChatExamples.load(Path.of(args[1]), Map.of("name", NAME, "author", AUTHOR))
                .stream().filter(conv -> conv.stream().allMatch(m -> isAscii(m.content()))).toList();
        List<List<ChatMessage>> identity = new ArrayList<>(english);
        identity.addAll(IdentityQa.conversations(stories, new Random(2027)));
        StringBuilder sft = new StringBuilder();
        StringBuilder dpo = new StringBuilder();
        int nSft = 0, nDpo = 0;
        for (List<ChatMessage> conv : identity) {
            sft.append(line(conv));
            nSft++;
        }
        // preference pairs on single-turn identity answers: the same answer naming ChatGPT and OpenAI is
        // worse, and so is the answer to another question
        List<List<ChatMessage>> singleTurn = new ArrayList<>(identity.stream().filter(conv -> conv.size() == 2).toList());
        Collections.shuffle(singleTurn, new Random(2028));
        for (List<ChatMessage> conv : singleTurn) {
            String answer = conv.getLast().content();
            String other = answer.replace(NAME, "ChatGPT").replace(AUTHOR, "OpenAI");
            if (!other.equals(answer) && nDpo < 120) {
                dpo.append(pair(conv.getFirst().content(), answer, other));
                nDpo++;
            }
        }
        for (String[] p : IdentityQa.otherIntentPairs(new Random(2029))) {
            dpo.append(pair(p[0], p[1], p[2]));
            nDpo++;
        }
        System.out.println(english.size() + " English identity.json records, " + (identity.size() - english.size())
                + " written identity conversations");
        int used = 0;
        for (String story : stories) {
            String noun = nounIn(story);
            int kind = used % 4;
            if (kind <= 1 && noun != null) {
                String prompt = (kind == 0 ? "Tell me a story about a " : "Can you write a short story with a ") + noun + "?";
                if (used < 1200) {
                    sft.append(line(List.of(ChatMessage.user(prompt), ChatMessage.assistant(story))));
                    nSft++;
                } else if (nDpo < 700) {
                    // rejected: a story that does not mention the noun
                    String off = stories.get(rnd.nextInt(stories.size()));
                    if (!off.contains(noun)) {
                        dpo.append(pair(prompt, story, off));
                        nDpo++;
                    }
                }
            } else if (kind == 2 && used < 1200) {
                int dot = story.indexOf(". ");
                if (dot > 20 && dot < story.length() - 40) {
                    sft.append(line(List.of(ChatMessage.user("Continue the story: " + story.substring(0, dot + 1)),
                            ChatMessage.assistant(story.substring(dot + 2)))));
                    nSft++;
                }
            } else if (kind == 3 && used < 1200) {
                sft.append(line(List.of(ChatMessage.user("Write a short story."), ChatMessage.assistant(story))));
                nSft++;
            }
            used++;
        }
        Files.writeString(out.resolve("sft.jsonl"), sft);
        Files.writeString(out.resolve("dpo.jsonl"), dpo);
        System.out.println("wrote " + nSft + " SFT conversations and " + nDpo + " preference pairs to " + out);
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    static String nounIn(String story) {
        for (String n : NOUNS) {
            if (story.matches("(?s).*\\b" + n + "\\b.*")) {
                return n;
            }
        }
        return null;
    }

    static String line(List<ChatMessage> conv) {
        StringBuilder sb = new StringBuilder("{\"messages\": [");
        for (int i = 0; i < conv.size(); i++) {
            sb.append(i > 0 ? ", " : "").append("{\"role\": ").append(Json.quote(conv.get(i).role())).append(", \"content\": ")
                    .append(Json.quote(conv.get(i).content())).append('}');
        }
        return sb.append("]}\n").toString();
    }

    static String pair(String prompt, String chosen, String rejected) {
        return "{\"prompt\": " + Json.quote(prompt) + ", \"chosen\": " + Json.quote(chosen) + ", \"rejected\": "
                + Json.quote(rejected) + "}\n";
    }
}
