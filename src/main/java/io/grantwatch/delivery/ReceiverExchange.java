package io.grantwatch.delivery;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST over a connection opened to an address {@link ReceiverGuard} has checked, not
 * to whatever the name resolves to by the time a client library connects: that is what keeps a
 * name that changes its answer from reaching a metadata address. TLS verifies the certificate
 * against the url's host name, with SNI, as any client does. One connection per request
 * ({@code Connection: close}); only the status and the first bytes of the body are read. Not
 * thread-safe: one instance per exchange.
 */
final class ReceiverExchange {
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    record Response(int status, String snippet) {}

    private ReceiverExchange() {}

    /**
     * @param addresses the checked addresses of the url's host, tried in order until one connects
     * @param snippetBytes how much of the answer's body to keep
     */
    static Response post(List<InetAddress> addresses, URI uri, Map<String, String> headers, byte[] body, Duration timeout,
            int snippetBytes, SSLSocketFactory tlsSockets) throws IOException {
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        try (Socket socket = connect(addresses, port, millis)) {
            socket.setSoTimeout(millis);
            Socket channel = tls ? secure(tlsSockets, socket, uri.getHost(), port) : socket;
            OutputStream out = channel.getOutputStream();
            out.write(head(uri, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(new java.io.BufferedInputStream(channel.getInputStream()), snippetBytes);
        }
    }

    private static Socket connect(List<InetAddress> addresses, int port, int millis) throws IOException {
        ConnectException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), millis);
                return socket;
            } catch (ConnectException e) {
                socket.close();
                last = e;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
        throw last != null ? last : new ConnectException("no address");
    }

    private static Socket secure(SSLSocketFactory tlsSockets, Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) tlsSockets.createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.startsWith("[") && !Character.isDigit(host.charAt(host.length() - 1))) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static String head(URI uri, Map<String, String> headers, int length) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        StringBuilder head = new StringBuilder()
                .append("POST ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString();
    }

    private static Response read(InputStream in, int snippetBytes) throws IOException {
        int status;
        Map<String, String> fields;
        do {
            status = status(line(in));
            fields = fields(in);
        } while (status >= 100 && status < 200); // 100 Continue and other interim answers
        if (status == 204 || status == 304) {
            return new Response(status, "");
        }
        InputStream bodyStream = fields.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")
                ? new Chunked(in) : limited(in, fields.get("content-length"));
        byte[] kept = bodyStream.readNBytes(snippetBytes);
        String text = new String(kept, StandardCharsets.UTF_8);
        return new Response(status, text.replaceAll("[^\\x20-\\x7E]", " ").strip());
    }

    private static int status(String line) throws IOException {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP/1.x answer");
        }
        return Integer.parseInt(parts[1]);
    }

    private static Map<String, String> fields(InputStream in) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        int total = 0;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("the answer's headers are too long");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection closed in the middle of the answer");
            }
            if (line.size() > MAX_HEADER_BYTES) {
                throw new IOException("an answer line is too long");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static InputStream limited(InputStream in, String contentLength) {
        if (contentLength == null || !contentLength.matches("[0-9]{1,18}")) {
            return in; // until the receiver closes, as HTTP/1.1 says for an answer without a length
        }
        long length = Long.parseLong(contentLength);
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }
        };
    }

    /** The data of a chunked body, without the chunk sizes. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in).split(";", 2)[0].trim();
                if (!size.matches("[0-9a-fA-F]{1,15}")) {
                    throw new IOException("a malformed chunk");
                }
                left = Long.parseLong(size, 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed in the middle of a chunk");
            }
            if (--left == 0) {
                line(in); // the CRLF after the chunk's data
            }
            return b;
        }
    }
}
