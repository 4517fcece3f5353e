package jllm.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the server can be told, in one record that prints itself.
 *
 * @param host           address to bind; anything but loopback requires an API key
 * @param port           port; 0 = any free port
 * @param apiKey         the Bearer token clients must send to {@code /v1/*} and {@code /metrics}
 * @param parallel       slots per model: sequences generated at once
 * @param contextLength  positions per slot; 0 = the model's trained context, at most 4096 ({@link jllm.generate.ContextLength})
 * @param queueCapacity  requests that may wait for a slot, per model; more are refused with 503
 * @param maxBodyBytes   largest request body
 * @param maxHeaderBytes largest request header block
 * @param readTimeout    a connection idle this long is closed, and a request must arrive whole within it
 */
public record ServerOptions(String host, int port, Optional<String> apiKey, int parallel, int contextLength,
                            int queueCapacity, int maxBodyBytes, int maxHeaderBytes, Duration readTimeout) {

    /** Loopback, port 8080, no key, 4 slots, the model's context, 64 waiting, 4 MiB bodies, 8 KiB headers, 10 s. */
    public static final ServerOptions DEFAULTS = new ServerOptions("127.0.0.1", 8080, Optional.empty(), 4, 0, 64,
            4 << 20, 8 << 10, Duration.ofSeconds(10));

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (parallel < 1 || parallel > 256) {
            throw new IllegalArgumentException("parallel slots must be in [1, 256], got " + parallel);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be 0 (the model's) or positive, got " + contextLength);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queue capacity must not be negative, got " + queueCapacity);
        }
        if (maxBodyBytes < 1024 || maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("body and header limits must be at least 1024 bytes");
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("the read timeout must be positive");
        }
        apiKey = apiKey.filter(k -> !k.isEmpty());
        if (apiKey.isEmpty() && !isLoopback(host)) {
            throw new IllegalArgumentException("binding to " + host + " exposes the server beyond this machine: "
                    + "give an --api-key (clients then send 'Authorization: Bearer KEY')");
        }
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, apiKey, parallel, contextLength, queueCapacity, maxBodyBytes, maxHeaderBytes, readTimeout);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, apiKey, parallel, contextLength, queueCapacity, maxBodyBytes, maxHeaderBytes, readTimeout);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, Optional.ofNullable(key), parallel, contextLength, queueCapacity, maxBodyBytes,
                maxHeaderBytes, readTimeout);
    }

    public ServerOptions withParallel(int n) {
        return new ServerOptions(host, port, apiKey, n, contextLength, queueCapacity, maxBodyBytes, maxHeaderBytes, readTimeout);
    }

    public ServerOptions withContextLength(int n) {
        return new ServerOptions(host, port, apiKey, parallel, n, queueCapacity, maxBodyBytes, maxHeaderBytes, readTimeout);
    }

    public ServerOptions withQueueCapacity(int n) {
        return new ServerOptions(host, port, apiKey, parallel, contextLength, n, maxBodyBytes, maxHeaderBytes, readTimeout);
    }

    public ServerOptions withReadTimeout(Duration d) {
        return new ServerOptions(host, port, apiKey, parallel, contextLength, queueCapacity, maxBodyBytes, maxHeaderBytes, d);
    }

    /** True for loopback names and addresses (resolved without DNS for literals and "localhost"). */
    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "host=" + host + " port=" + port + " apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)")
                + " parallel=" + parallel + " ctx=" + (contextLength == 0 ? "model" : contextLength)
                + " queue=" + queueCapacity + " maxBody=" + maxBodyBytes + " maxHeader=" + maxHeaderBytes
                + " readTimeout=" + readTimeout.toMillis() + "ms";
    }
}
