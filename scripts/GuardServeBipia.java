// The server's guard on indirect injections: BIPIA test attacks planted in held-out e-mails (as the guard's
// data loader plants them) sent as tool results to `serve --guard`, and the clean held-out e-mails; counts
// the requests refused with content_filter, and the time the guard added (from /metrics).
// Usage (from the repository root, after a build):
//   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp cli/target/jllm.jar \
//     scripts/GuardServeBipia.java MODEL GUARD SHARED_DATA [SPOTLIGHT]
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jllm.model.Classifier;
import jllm.model.LoadedModel;
import jllm.server.OpenAiServer;
import jllm.server.Screening;
import jllm.server.ServedModel;
import jllm.server.ServerOptions;
import jllm.server.Spotlight;
import jllm.train.guard.GuardData;
import jllm.train.guard.GuardExample;

public class GuardServeBipia {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTION = "Please summarize this e-mail for me.";

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: GuardServeBipia.java MODEL GUARD SHARED_DATA [off|delimit|datamark|base64]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Path guardFile = Path.of(args[1]);
        Path shared = Path.of(args[2]);
        Spotlight.Mode spotlight = args.length > 3 ? Spotlight.Mode.of(args[3]) : Spotlight.Mode.DELIMIT;
        GuardData.Split split = GuardData.load(shared, GuardData.Generated.DEFAULT, 1);
        List<GuardExample> planted = split.test().stream().filter(e -> e.attack() && e.source().startsWith("bipia")).toList();
        List<GuardExample> clean = Stream.concat(split.validation().stream(), split.test().stream())
                .filter(e -> e.source().equals("bipia-email")).toList();
        try (LoadedModel lm = LoadedModel.open(model, new LoadedModel.Options(Optional.empty(), 1));
             Classifier guard = Classifier.open(guardFile, 1);
             OpenAiServer server = OpenAiServer.start(List.of(ServedModel.of("m", lm)), ServerOptions.DEFAULTS.withPort(0),
                     List.of(), new Screening(Optional.of(guard), spotlight))) {
            System.out.printf(Locale.ROOT, "guard %s (threshold %.4f, %s pooling); the user question scores %.4f%n",
                    guardFile, guard.threshold(), guard.pooling().key(), guard.score(QUESTION));
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
            Map<String, int[]> counts = new TreeMap<>(); // source -> {sent, flagged, other refusals}
            for (List<GuardExample> part : List.of(planted, clean)) {
                for (GuardExample e : part) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body(e.text()))).build(), HttpResponse.BodyHandlers.ofString());
                    String key = (e.attack() ? "attack in e-mail, " : "clean e-mail, ") + e.source();
                    int[] c = counts.computeIfAbsent(key, k -> new int[3]);
                    c[0]++;
                    if (r.statusCode() == 400 && r.body().contains("\"content_filter\"")) {
                        c[1]++;
                    } else if (r.statusCode() != 200) {
                        c[2]++;
                    }
                }
            }
            counts.forEach((k, c) -> System.out.printf(Locale.ROOT, "%-32s %4d sent, %4d flagged (%.1f%%)%s%n", k, c[0], c[1],
                    100.0 * c[1] / c[0], c[2] > 0 ? ", " + c[2] + " refused otherwise" : ""));
            String metrics = server.metrics().render();
            double sum = value(metrics, "jllm_guard_seconds_sum");
            double n = value(metrics, "jllm_guard_seconds_count");
            System.out.printf(Locale.ROOT, "guard time per request: %.1f ms mean over %.0f requests (user question + e-mail)%n",
                    1000 * sum / n, n);
            // a plain chat turn: one short user message
            for (int i = 0; i < 50; i++) {
                String b = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story about a cat named "
                        + i + ".\"}]}";
                client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(b)).build(), HttpResponse.BodyHandlers.ofString());
            }
            String after = server.metrics().render();
            System.out.printf(Locale.ROOT, "guard time per request: %.1f ms mean over 50 requests (one short user message)%n",
                    1000 * (value(after, "jllm_guard_seconds_sum") - sum) / (value(after, "jllm_guard_seconds_count") - n));
            metrics = after;
            Matcher m = Pattern.compile("(?m)^jllm_guard_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$").matcher(metrics);
            StringBuilder buckets = new StringBuilder();
            while (m.find()) {
                buckets.append(" <=").append(m.group(1)).append("s:").append(m.group(2));
            }
            System.out.println("histogram (cumulative):" + buckets);
        }
    }

    static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** A chat whose assistant read an e-mail with a tool; the e-mail is the tool result. */
    static String body(String email) throws Exception {
        ObjectNode o = JSON.createObjectNode().put("model", "m").put("max_tokens", 1).put("temperature", 0);
        ArrayNode msgs = o.putArray("messages");
        msgs.addObject().put("role", "user").put("content", QUESTION);
        ObjectNode call = msgs.addObject().put("role", "assistant");
        call.putNull("content");
        call.putArray("tool_calls").addObject().put("id", "c1").put("type", "function").putObject("function")
                .put("name", "read_email").put("arguments", "{}");
        msgs.addObject().put("role", "tool").put("tool_call_id", "c1").put("content", email);
        return JSON.writeValueAsString(o);
    }
}
