package io.relink.notifier.client;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.relink.notifier.config.NotifyConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The SMTP client, with a deadline on every exchange: the connection ({@code relink.notify.smtp.connect-timeout}),
 * each command and the data transfer (no byte from the server for {@code command-timeout} closes the connection),
 * and the whole exchange ({@code exchange-deadline}). A relay that never answers costs one connection for one
 * deadline, never a pool slot for ever. The server is the standard {@code quarkus.mailer.*} settings.
 */
@ApplicationScoped
public class SmtpClient {
    private static final Logger LOG = Logger.getLogger(SmtpClient.class);
    /** How a send ended, when it did not succeed. */
    public enum Failure {
        /** A 5xx reply: the message was refused for good. */
        PERMANENT,
        /** Refused before anything was handed over (4xx, no connection): nothing was delivered. */
        TRANSIENT,
        /** The exchange broke or timed out after the connection was made: the message may have been delivered. */
        OUTCOME_UNKNOWN
    }

    private final MailClient client;
    private final Context context;
    private final NotifyConfig.Smtp deadlines;

    public SmtpClient(Vertx vertx, NotifyConfig config, @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> port,
            @ConfigProperty(name = "quarkus.mailer.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.mailer.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.mailer.start-tls", defaultValue = "OPTIONAL") String startTls,
            @ConfigProperty(name = "quarkus.mailer.tls", defaultValue = "false") boolean tls,
            @ConfigProperty(name = "quarkus.mailer.trust-all", defaultValue = "false") boolean trustAll,
            @ConfigProperty(name = "quarkus.mailer.login", defaultValue = "NONE") String login,
            @ConfigProperty(name = "quarkus.mailer.max-pool-size") Optional<Integer> maxPoolSize,
            @ConfigProperty(name = "quarkus.mailer.keep-alive", defaultValue = "true") boolean keepAlive,
            @ConfigProperty(name = "quarkus.mailer.own-host-name") Optional<String> ownHostName) {
        this.deadlines = config.smtp();
        MailConfig mail = new MailConfig().setHostname(host).setPort(port.orElse(tls ? 465 : 25)).setSsl(tls).setTrustAll(trustAll)
                .setStarttls(StartTLSOptions.valueOf(startTls.toUpperCase())).setLogin(LoginOption.valueOf(login.toUpperCase()))
                .setMaxPoolSize(poolSize(maxPoolSize, config.parallelSends())).setKeepAlive(keepAlive);
        // Named once here, rather than looked up (blocking) on the first send.
        mail.setOwnHostname(ownHostName.orElseGet(SmtpClient::localHostName));
        username.ifPresent(mail::setUsername);
        password.ifPresent(mail::setPassword);
        mail.setConnectTimeout((int) deadlines.connectTimeout().toMillis());
        mail.setIdleTimeout((int) deadlines.commandTimeout().toMillis());
        mail.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        this.client = MailClient.create(vertx, mail);
        this.context = ownContext(vertx.getDelegate());
    }

    /**
     * An event-loop context of the client's own. The mail client runs some steps with executeBlocking, ordered, on the
     * context it is called from; called from a blocking task on a Vert.x context (as the scheduled sender is), those
     * steps queue behind the caller, which waits for them: a deadlock until the exchange deadline. Made from a thread
     * without a context, so it is a new one that no caller's task can hold.
     */
    private static Context ownContext(io.vertx.core.Vertx vertx) {
        CompletableFuture<Context> made = new CompletableFuture<>();
        Thread maker = new Thread(() -> made.complete(vertx.getOrCreateContext()), "smtp-client-context");
        maker.start();
        return made.join();
    }

    /** Sends one message on the client's own context; fails with the cause once the exchange deadline has passed. */
    public Uni<Void> send(MailMessage message) {
        return client.sendMail(message).runSubscriptionOn(task -> context.runOnContext(v -> task.run())).replaceWithVoid()
                .ifNoItem().after(deadlines.exchangeDeadline()).fail();
    }

    /**
     * One connection per send in flight unless the pool is set: a smaller pool makes sends wait for a connection (and
     * a relay that withholds replies then holds back more of them), whatever {@code parallel-sends} says.
     */
    static int poolSize(Optional<Integer> configured, int parallelSends) {
        configured.filter(size -> size < parallelSends).ifPresent(size -> LOG.warnf(
                "quarkus.mailer.max-pool-size=%d is below relink.notify.parallel-sends=%d: at most %d emails are sent at once",
                size, parallelSends, size));
        return configured.orElse(parallelSends);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** What a send's failure means for the message. */
    public static Failure classify(Throwable error) {
        if (error instanceof SMTPException smtp) {
            return smtp.isPermanent() ? Failure.PERMANENT : Failure.TRANSIENT;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return Failure.TRANSIENT; // never connected (refused, or the connect timeout)
            }
        }
        return Failure.OUTCOME_UNKNOWN;
    }

    /** The server's reply to a refused message (code and text, as it sent them), for a bounce record; else the error. */
    public static String reply(Throwable error) {
        if (error instanceof SMTPException smtp && smtp.getReplyMessage() != null && !smtp.getReplyMessage().isBlank()) {
            String text = smtp.getReplyMessage().trim();
            return text.startsWith(String.valueOf(smtp.getReplyCode())) ? text : smtp.getReplyCode() + " " + text;
        }
        return String.valueOf(error.getMessage());
    }

    @PreDestroy
    public void close() {
        client.closeAndAwait();
    }
}
