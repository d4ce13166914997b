package io.grantwatch.atlassian;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.api.Response;
import org.eclipse.jetty.client.api.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Collects one answer (status, headers, body) and gives up with {@link TooLarge} as soon as the body
 * passes the limit, or at once when its declared length does, so that a runaway answer cannot fill the
 * heap. One per exchange; {@link #answer()} completes when the exchange does.
 */
final class LimitedBody extends Response.Listener.Adapter {
    /** What came back: the status, the headers in the order they came, the whole body. */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

    static final class TooLarge extends IOException {
        TooLarge(int limit) {
            super("body over " + limit + " bytes");
        }
    }

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private volatile boolean responded;

    LimitedBody(int limit) {
        this.limit = limit;
    }

    CompletableFuture<Answer> answer() {
        return answer;
    }

    /** Whether any of an answer arrived before the exchange ended (a status line at least). */
    boolean responded() {
        return responded;
    }

    @Override
    public void onBegin(Response response) {
        responded = true;
    }

    @Override
    public void onHeaders(Response response) {
        if (response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > limit) {
            response.abort(new TooLarge(limit));
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        if (bytes.size() + (long) content.remaining() > limit) {
            response.abort(new TooLarge(limit));
            return;
        }
        if (content.hasArray()) {
            bytes.write(content.array(), content.arrayOffset() + content.position(), content.remaining());
            content.position(content.limit());
        } else {
            byte[] chunk = new byte[content.remaining()];
            content.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onComplete(Result result) {
        if (result.isFailed()) {
            answer.completeExceptionally(result.getFailure());
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : result.getResponse().getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>(1)).add(field.getValue());
        }
        answer.complete(new Answer(result.getResponse().getStatus(), headers, bytes.toByteArray()));
    }
}
