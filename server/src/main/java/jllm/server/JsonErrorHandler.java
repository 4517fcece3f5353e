package jllm.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before any route sees the request (headers too large: 431, an
 * ambiguous or malformed URI such as {@code /../x}: 400, a URI too long: 414, ...), as the OpenAI error
 * object every route answers with, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final int maxHeaderBytes;

    JsonErrorHandler(int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** Jetty's reason ("Ambiguous URI empty segment", ...) as plain printable text of bounded length. */
    private static String clean(String reason) {
        String r = reason.replaceAll("[^\\x20-\\x7E]", "");
        return r.length() > 200 ? r.substring(0, 200) + "..." : r;
    }

    /** {@code {"error": {"message", "type", "param": null, "code"}}} for a status and Jetty's reason. */
    byte[] body(int status, String reason) {
        String name = HttpStatus.getMessage(status);
        String message = switch (status) {
            case 431 -> "the request's headers are too large: at most " + maxHeaderBytes + " bytes are accepted";
            case 414 -> "the request's URI is too long";
            case 400 -> "bad request: the request line or a header is malformed, or the path is ambiguous (such as /../ "
                    + "or an encoded /)" + (reason == null || reason.isBlank() || reason.equals(name) ? "" : " (" + clean(reason) + ")");
            default -> name.toLowerCase(Locale.ROOT)
                    + (reason == null || reason.isBlank() || reason.equals(name) ? "" : ": " + clean(reason));
        };
        String code = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        ApiException e = new ApiException(status, status >= 500 ? "server_error" : "invalid_request_error", null, code, message);
        try {
            return Requests.JSON.writeValueAsBytes(OpenAiServer.errorBody(e));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}
