package io.relink.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many messages a second an SMTP server accepts from the simplest fast client: {@code connections} connections
 * at once, each with one EHLO and then, for each message, MAIL, RCPT, DATA, the message and its end, each command
 * written at once and its reply awaited (no pipelining). So a benchmark can show the server is not its limit.
 */
final class SmtpCeiling {
    private SmtpCeiling() {
    }

    /** Messages per second over {@code messages} messages of {@code message} (CRLF lines, dot-stuffed), to distinct recipients. */
    static double messagesPerSecond(String host, int port, int connections, int messages, String message) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int connection = c;
                all.add(pool.submit(() -> {
                    send(host, port, connection, connections, messages, message);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            return messages / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void send(String host, int port, int connection, int connections, int messages, String message) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            expect(in, "220");
            command(out, in, "EHLO ceiling.bench", "250");
            for (int i = connection; i < messages; i += connections) {
                command(out, in, "MAIL FROM:<ceiling@relink.bench>", "250");
                command(out, in, "RCPT TO:<ceiling" + i + "@contoso.example>", "250");
                command(out, in, "DATA", "354");
                out.write(message.getBytes(StandardCharsets.UTF_8));
                command(out, in, "\r\n.", "250");
            }
            command(out, in, "QUIT", "221");
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, String reply) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, reply);
    }

    /** Reads a reply (all lines of a multi-line one) and checks its code. */
    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the SMTP server closed the connection, " + code + " expected");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("SMTP server answered '" + line + "', " + code + " expected");
        }
    }
}
