package io.relink.notifier.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.relink.notifier.service.NotificationSender;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Down when a send has been in flight for more than twice the exchange deadline: the deadlines should have ended it,
 * so the sender is stuck, and a restart (Kubernetes acts on liveness) sends what it held after the lease.
 */
@Liveness
@ApplicationScoped
public class SenderLivenessCheck implements HealthCheck {
    private final NotificationSender sender;

    public SenderLivenessCheck(NotificationSender sender) {
        this.sender = sender;
    }

    @Override
    public HealthCheckResponse call() {
        return sender.stuckFor()
                .map(age -> HealthCheckResponse.named("email-sender").down().withData("oldestSendSeconds", age.toSeconds()).build())
                .orElseGet(() -> HealthCheckResponse.up("email-sender"));
    }
}
