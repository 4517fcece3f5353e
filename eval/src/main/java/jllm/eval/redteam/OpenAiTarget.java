package jllm.eval.redteam;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible server ({@code jllm serve}, llama.cpp's server, vLLM, ...): each prompt is a
 * {@code POST /v1/chat/completions} with one user message, {@code temperature 0}, {@code max_tokens} and
 * {@code seed}. A content filter counts as {@link Target.Status#BLOCKED} in either form a server uses: a 200
 * whose choice has {@code finish_reason: "content_filter"}, or an error whose {@code code} is
 * {@code content_filter} (as Azure OpenAI answers, HTTP 400). An error with code
 * {@code context_length_exceeded} is {@link Target.Status#TOO_LONG}; any other error, or no answer, is a
 * {@link TargetException} naming the URL.
 *
 * <pre>{@code
 * Target t = new OpenAiTarget(OpenAiTarget.endpoint("http://127.0.0.1:8080"), Optional.empty(), 64, Duration.ofMinutes(2));
 * }</pre>
 */
public final class OpenAiTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI endpoint;
    private final Optional<String> model;
    private final int maxTokens;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param endpoint  the chat completions URL ({@link #endpoint(String)} makes one from a base URL)
     * @param model     the {@code model} field; empty leaves it out (a server with one model then uses it)
     * @param maxTokens {@code max_tokens} per reply
     * @param timeout   how long one reply may take
     */
    public OpenAiTarget(URI endpoint, Optional<String> model, int maxTokens, Duration timeout) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("the most tokens per reply must be positive, got " + maxTokens);
        }
        this.endpoint = endpoint;
        this.model = model;
        this.maxTokens = maxTokens;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * The chat completions URL for what a user typed: a server ({@code http://host:port}), its API base
     * ({@code .../v1}) or the endpoint itself ({@code .../v1/chat/completions}).
     */
    public static URI endpoint(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL such as http://127.0.0.1:8080");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        if (!path.endsWith("/chat/completions")) {
            path = path.endsWith("/v1") ? path + "/chat/completions" : path + "/v1/chat/completions";
        }
        return uri.resolve(path);
    }

    /** Whether {@code s} names an http(s) URL rather than a model file. */
    public static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }

    @Override
    public String name() {
        return endpoint.toString();
    }

    @Override
    public Reply send(String prompt, long seed) {
        ObjectNode body = JSON.createObjectNode();
        model.ifPresent(m -> body.put("model", m));
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        body.put("max_tokens", maxTokens).put("temperature", 0).put("seed", seed).put("stream", false);
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new TargetException(endpoint + " gave no answer within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new TargetException("cannot reach " + endpoint + " (connection refused): is the server running?", e);
        } catch (IOException e) {
            throw new TargetException("cannot reach " + endpoint + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted while waiting for " + endpoint, e);
        }
        return read(response.statusCode(), response.body());
    }

    /** The reply in a response with status {@code status} and body {@code body}. */
    Reply read(int status, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (status != 200) {
            JsonNode error = root == null ? null : root.path("error");
            String code = error == null ? "" : error.path("code").asText("");
            String message = error == null ? "" : error.path("message").asText("");
            if (code.equals("content_filter")) {
                return new Reply(Status.BLOCKED, "", message.isEmpty() ? "content_filter" : message);
            }
            if (code.equals("context_length_exceeded")) {
                return new Reply(Status.TOO_LONG, "", message);
            }
            throw new TargetException(endpoint + " answered HTTP " + status
                    + (message.isEmpty() ? ": " + abbreviate(body) : ": " + message + (code.isEmpty() ? "" : " (" + code + ")")));
        }
        if (root == null || !root.path("choices").isArray() || root.path("choices").isEmpty()) {
            throw new TargetException(endpoint + " answered without choices, not as an OpenAI chat completion: " + abbreviate(body));
        }
        JsonNode choice = root.path("choices").get(0);
        if (choice.path("finish_reason").asText("").equals("content_filter")) {
            return new Reply(Status.BLOCKED, choice.path("message").path("content").asText(""), "finish_reason content_filter");
        }
        return Reply.answered(choice.path("message").path("content").asText("").strip());
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }
}
