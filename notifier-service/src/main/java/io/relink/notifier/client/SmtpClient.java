package io.relink.notifier.client;

import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.relink.notifier.config.NotifyConfig;
import io.smallrye.mutiny.Uni;
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
    private final NotifyConfig.Smtp deadlines;

    public SmtpClient(Vertx vertx, NotifyConfig config, @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> port,
            @ConfigProperty(name = "quarkus.mailer.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.mailer.password") Optional<String> password,
            @ConfigProperty(name = "quarkus.mailer.start-tls", defaultValue = "OPTIONAL") String startTls,
            @ConfigProperty(name = "quarkus.mailer.tls", defaultValue = "false") boolean tls,
            @ConfigProperty(name = "quarkus.mailer.trust-all", defaultValue = "false") boolean trustAll,
            @ConfigProperty(name = "quarkus.mailer.login", defaultValue = "NONE") String login,
            @ConfigProperty(name = "quarkus.mailer.max-pool-size", defaultValue = "10") int maxPoolSize,
            @ConfigProperty(name = "quarkus.mailer.keep-alive", defaultValue = "true") boolean keepAlive) {
        this.deadlines = config.smtp();
        MailConfig mail = new MailConfig().setHostname(host).setPort(port.orElse(tls ? 465 : 25)).setSsl(tls).setTrustAll(trustAll)
                .setStarttls(StartTLSOptions.valueOf(startTls.toUpperCase())).setLogin(LoginOption.valueOf(login.toUpperCase()))
                .setMaxPoolSize(maxPoolSize).setKeepAlive(keepAlive);
        username.ifPresent(mail::setUsername);
        password.ifPresent(mail::setPassword);
        mail.setConnectTimeout((int) deadlines.connectTimeout().toMillis());
        mail.setIdleTimeout((int) deadlines.commandTimeout().toMillis());
        mail.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        this.client = MailClient.create(vertx, mail);
    }

    /** Sends one message; fails with the cause once the exchange deadline has passed. */
    public Uni<Void> send(MailMessage message) {
        return client.sendMail(message).replaceWithVoid().ifNoItem().after(deadlines.exchangeDeadline()).fail();
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

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }
}
