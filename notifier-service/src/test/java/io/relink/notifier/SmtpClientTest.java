package io.relink.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.Devstack;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.InjectDevstack;
import io.relink.devstack.UnreliableSmtpServer;
import io.relink.devstack.UnreliableSmtpServer.Fault;
import io.relink.notifier.client.SmtpClient;
import io.relink.notifier.config.NotifyConfig;
import io.vertx.core.Context;
import io.vertx.ext.mail.MailMessage;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;

/** The SMTP client as the scheduled sender calls it: from a blocking task on a Vert.x context. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
class SmtpClientTest {
    @InjectDevstack
    Devstack devstack;

    @Inject
    Vertx vertx;

    @Inject
    NotifyConfig config;

    @Test
    void aFirstSendFromABlockingTaskOnAVertxContextGoesOutWithoutWaitingForItself() throws Exception {
        // A fresh client, called as the scheduler calls it: steps the mail client runs with executeBlocking on the
        // caller's context used to queue behind the caller itself, until the exchange deadline.
        SmtpClient smtp = new SmtpClient(vertx, config, devstack.mail().host(), Optional.of(devstack.mail().port()), Optional.empty(),
                Optional.empty(), "DISABLED", false, false, "NONE", Optional.of(2), true, Optional.empty());
        MailMessage message = new MailMessage().setFrom("relink@relink.test").setTo("blocking.caller@contoso.example")
                .setSubject("sent from a blocking task").setText("hello");
        Context context = vertx.getDelegate().getOrCreateContext();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        context.runOnContext(v -> vertx.getDelegate().executeBlocking(() -> {
            smtp.send(message).await().atMost(Duration.ofSeconds(20));
            return null;
        }, true).onComplete(result -> {
            if (result.succeeded()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(result.cause());
            }
        }));
        try {
            sent.get(30, TimeUnit.SECONDS);
        } finally {
            smtp.close();
        }
        assertEquals(1, devstack.mail().messagesTo("blocking.caller@contoso.example").size());
    }

    @Test
    void asManyExchangesRunAtOnceAsParallelSendsSaysWhenTheRelayWithholdsEveryReply() throws Exception {
        // The operator raised parallel-sends and set no pool: every send in flight gets its own connection, so a relay
        // that answers nothing holds them all at once rather than a pool's worth while the rest queue.
        int parallelSends = 24;
        NotifyConfig raised = (NotifyConfig) Proxy.newProxyInstance(NotifyConfig.class.getClassLoader(), new Class<?>[] { NotifyConfig.class },
                (proxy, method, args) -> method.getName().equals("parallelSends") ? parallelSends : method.invoke(config, args));
        UnreliableSmtpServer relay = new UnreliableSmtpServer().faults(n -> Fault.WITHHOLD_REPLY);
        SmtpClient smtp = new SmtpClient(vertx, raised, relay.host(), Optional.of(relay.port()), Optional.empty(), Optional.empty(),
                "DISABLED", false, false, "NONE", Optional.empty(), true, Optional.empty());
        try {
            for (int i = 0; i < parallelSends; i++) {
                smtp.send(new MailMessage().setFrom("relink@relink.test").setTo("user" + i + "@contoso.example").setSubject("held")
                        .setText("hello")).subscribe().with(sent -> { }, failed -> { });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.applied(Fault.WITHHOLD_REPLY) == parallelSends);
        } finally {
            relay.close(); // first, so the held exchanges end now rather than at the command timeout
            smtp.close();
        }
    }
}
