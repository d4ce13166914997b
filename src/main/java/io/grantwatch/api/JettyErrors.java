package io.grantwatch.api;

import io.grantwatch.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The answers Jetty gives before a request reaches Javalin (a request line or headers too long, a
 * path it cannot decode) in the API's error shape instead of Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        response.getOutputStream().write(body(response.getStatus()));
    }

    private static byte[] body(int status) {
        return Json.write(Map.of("error", ApiErrors.code(status), "message", "the server cannot read this request (HTTP "
                + status + ")")).getBytes(StandardCharsets.UTF_8);
    }
}
