package io.relink.devstack;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * An SMTP server that misbehaves on command, as relays do behind a dead NAT entry, when hung or overloaded: it can
 * take a whole message and never answer, answer only after a long delay, drop the connection in the middle of DATA,
 * or refuse a recipient with a 4xx or 5xx, by transaction or for chosen addresses. GreenMail cannot. Plain SMTP on
 * loopback, one thread per connection;
 * tests read back what it accepted. The fault of each mail transaction (numbered from 1 in the order MAIL FROM
 * arrives) comes from {@link #faults(IntFunction)}.
 */
public final class UnreliableSmtpServer implements Mailbox, AutoCloseable {
    /** What the server does with one mail transaction. */
    public enum Fault {
        /** Accepts and answers 250. */
        NONE,
        /** Takes the whole message (it is delivered), then never answers and keeps the connection open. */
        WITHHOLD_REPLY,
        /** Takes the whole message (delivered) and answers 250 only after {@link #slowReply(Duration)}. */
        SLOW_REPLY,
        /** Closes the connection halfway through the message's data; nothing is delivered. */
        DROP_MID_DATA,
        /** Refuses the recipient with 451 (try again later). */
        TRANSIENT_REJECT,
        /** Refuses the recipient with 550 (no such mailbox). */
        PERMANENT_REJECT
    }

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "unreliable-smtp");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<MimeMessage> delivered = new ArrayList<>();
    private final Map<Fault, AtomicInteger> applied = new ConcurrentHashMap<>();
    private final AtomicInteger transactions = new AtomicInteger();
    private final List<Socket> open = new ArrayList<>();
    private volatile IntFunction<Fault> faults = n -> Fault.NONE;
    private volatile Duration slowReply = Duration.ofSeconds(5);
    private volatile Predicate<String> refusedRecipients = address -> false;
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    public UnreliableSmtpServer() {
        try {
            socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "unreliable-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Which fault the n-th mail transaction (from 1) gets; for example {@code n -> n % 10 == 0 ? WITHHOLD_REPLY : NONE}. */
    public UnreliableSmtpServer faults(IntFunction<Fault> faults) {
        this.faults = faults;
        return this;
    }

    /**
     * Recipients this server refuses for good, whatever the transaction's fault: {@code 550 5.1.1} to their RCPT TO,
     * as a receiving server answers for a mailbox it does not have.
     */
    public UnreliableSmtpServer refuseRecipients(Predicate<String> addresses) {
        this.refusedRecipients = addresses;
        return this;
    }

    /** How often this address was refused by {@link #refuseRecipients}. */
    public int refusals(String address) {
        AtomicInteger count = refusals.get(address.toLowerCase(java.util.Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    public UnreliableSmtpServer slowReply(Duration delay) {
        this.slowReply = delay;
        return this;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return socket.getLocalPort();
    }

    /** Every message the server took in full (including those it never answered), in order. */
    @Override
    public synchronized List<MimeMessage> receivedMessages() {
        return List.copyOf(delivered);
    }

    @Override
    public synchronized boolean awaitMessages(int count, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        try {
            for (long left = millis; delivered.size() < count && left > 0; left = deadline - System.currentTimeMillis()) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return delivered.size() >= count;
    }

    /** How many transactions got this fault so far. */
    public int applied(Fault fault) {
        AtomicInteger count = applied.get(fault);
        return count == null ? 0 : count.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                synchronized (open) {
                    open.add(client);
                }
                connections.execute(() -> converse(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = client.getOutputStream();
            reply(out, "220 localhost ESMTP unreliable test server");
            Fault fault = Fault.NONE;
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (command) {
                    case "EHLO" -> reply(out, "250-localhost\r\n250-8BITMIME\r\n250 SIZE 10485760");
                    case "HELO" -> reply(out, "250 localhost");
                    case "MAIL" -> {
                        fault = faults.apply(transactions.incrementAndGet());
                        applied.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
                        reply(out, "250 2.1.0 OK");
                    }
                    case "RCPT" -> {
                        String address = address(line);
                        if (refusedRecipients.test(address)) {
                            refusals.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
                            reply(out, "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown in virtual mailbox table");
                        } else {
                            reply(out, switch (fault) {
                                case TRANSIENT_REJECT -> "451 4.3.0 Mailbox temporarily unavailable, try again later";
                                case PERMANENT_REJECT -> "550 5.1.1 No such mailbox";
                                default -> "250 2.1.5 OK";
                            });
                        }
                    }
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        if (!data(in, out, fault)) {
                            return;
                        }
                    }
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> reply(out, "500 5.5.1 Command unrecognized");
                }
            }
        } catch (IOException | InterruptedException ended) {
            // The client went away, or the server is closing.
        } finally {
            synchronized (open) {
                open.remove(client);
            }
        }
    }

    /** Reads one message's data and answers as the fault says; false when the connection is to end. */
    private boolean data(BufferedReader in, OutputStream out, Fault fault) throws IOException, InterruptedException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int lines = 0;
        String line;
        while ((line = in.readLine()) != null && !line.equals(".")) {
            if (fault == Fault.DROP_MID_DATA && ++lines == 5) {
                return false; // closed halfway: nothing delivered
            }
            message.write((line.startsWith("..") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
            message.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (line == null) {
            return false;
        }
        deliver(message.toByteArray());
        switch (fault) {
            case WITHHOLD_REPLY -> {
                // Silent but open, as a half-open connection is: whatever the client sends now goes unanswered.
                while (in.readLine() != null) {
                    // swallow
                }
                return false;
            }
            case SLOW_REPLY -> {
                if (closing.await(slowReply.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
                reply(out, "250 2.0.0 OK queued");
            }
            default -> reply(out, "250 2.0.0 OK queued");
        }
        return true;
    }

    /** The address of {@code RCPT TO:<address>}, lower case. */
    private static String address(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open + 1);
        String address = open >= 0 && close > open ? line.substring(open + 1, close) : line.substring(line.indexOf(':') + 1).trim();
        return address.toLowerCase(java.util.Locale.ROOT);
    }

    private synchronized void deliver(byte[] raw) {
        try {
            delivered.add(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
            notifyAll();
        } catch (MessagingException e) {
            throw new IllegalStateException("unreadable message", e);
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closing anyway.
                }
            }
        }
        connections.shutdownNow();
    }
}
