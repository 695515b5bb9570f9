package io.relink.sandbox.service;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.sandbox.config.SandboxConfig;
import io.relink.sandbox.service.ConnectV3.ApiError;
import io.relink.sandbox.service.Grants.Grant;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Nylas v3 webhooks, as Nylas sends them: a webhook is registered only after its URL answered the {@code challenge}
 * (within 10 s); each notification is a CloudEvents-style JSON body ({@code specversion}, {@code type}, {@code source},
 * {@code id}, {@code time}, {@code data.object} with {@code grant_id}, {@code provider}, {@code email}) signed in
 * {@code X-Nylas-Signature} with the hex HMAC-SHA256 of the body under the webhook's secret. Delivery is at least once
 * and in no promised order; on command it is also late, repeated, reordered or badly signed.
 */
@ApplicationScoped
public class Webhooks {
    /** How a registered webhook misbehaves; all off by default. */
    public record Delivery(long delayMillis, boolean repeat, int reorder, boolean badSignature) {
        static final Delivery PROMPT = new Delivery(0, false, 0, false);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> CODES = Map.of("grant.created", 25012, "grant.deleted", 25013, "grant.updated", 25014,
            "grant.expired", 25015);

    private final SandboxConfig config;
    private final RequestLog log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String url;
    private volatile Delivery delivery = Delivery.PROMPT;
    /** Notifications held back to be sent in reverse order, while {@code reorder} is set. */
    private final List<byte[]> held = new ArrayList<>();

    public Webhooks(SandboxConfig config, RequestLog log) {
        this.config = config;
        this.log = log;
    }

    /** Registers the webhook at {@code target} once it answers Nylas's challenge with the value; refuses it otherwise. */
    public synchronized void register(String target, Delivery how) {
        String challenge = UUID.randomUUID().toString();
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(target + (target.contains("?") ? "&" : "?") + "challenge="
                    + URLEncoder.encode(challenge, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200 || !challenge.equals(answer.body())) {
                throw new ApiError(400, "invalid_request_error", "the webhook URL did not answer the challenge (HTTP " + answer.statusCode() + ")");
            }
        } catch (java.io.IOException e) {
            throw new ApiError(400, "invalid_request_error", "the webhook URL cannot be reached: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "api_error", "interrupted");
        }
        url = target;
        delivery = how == null ? Delivery.PROMPT : how;
        held.clear();
        log.count("webhooks.registered");
    }

    /** Changes how the registered webhook's notifications are delivered; sends what reordering held back when it ends. */
    public synchronized void deliver(Delivery how) {
        delivery = how == null ? Delivery.PROMPT : how;
        if (delivery.reorder() <= 1) {
            flush();
        }
    }

    public Map<String, Object> settings() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("url", url);
        view.put("delivery", delivery);
        return view;
    }

    /** No webhook any more: what is held back is dropped with it. */
    public synchronized void unregister() {
        url = null;
        delivery = Delivery.PROMPT;
        held.clear();
    }

    /** Back to prompt delivery; the registration stays, as a webhook at Nylas outlives its application's tests. */
    public synchronized void reset() {
        delivery = Delivery.PROMPT;
        held.clear();
    }

    /** A notification about a grant to the registered webhook, if there is one. */
    public void grant(String type, Grant grant) {
        String target = url;
        if (target == null) {
            return;
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("code", CODES.getOrDefault(type, 25000));
        object.put("grant_id", grant.id());
        object.put("integration_id", "sandbox-" + grant.provider() + "-connector");
        object.put("provider", grant.provider());
        object.put("email", grant.email());
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("specversion", "1.0");
        notification.put("type", type);
        notification.put("source", "/nylas/system");
        notification.put("id", UUID.randomUUID().toString());
        notification.put("time", Instant.now().getEpochSecond());
        notification.put("webhook_delivery_attempt", 1);
        notification.put("data", Map.of("application_id", config.clientId(), "object", object));
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(notification);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        log.count("webhooks." + type);
        synchronized (this) {
            if (delivery.reorder() > 1) {
                held.add(body);
                if (held.size() >= delivery.reorder()) {
                    flush();
                }
                return;
            }
        }
        post(target, body);
    }

    /** Sends what reordering held back, newest first. */
    private synchronized void flush() {
        List<byte[]> out = new ArrayList<>(held);
        held.clear();
        Collections.reverse(out);
        String target = url;
        if (target != null) {
            out.forEach(body -> post(target, body));
        }
    }

    private void post(String target, byte[] body) {
        Delivery how = delivery;
        int times = how.repeat() ? 2 : 1;
        String signature = how.badSignature() ? sign("not-the-webhook-secret".getBytes(StandardCharsets.UTF_8), body) : sign(secret(), body);
        for (int i = 0; i < times; i++) {
            CompletableFuture.runAsync(() -> {
                try {
                    HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json").header("X-Nylas-Signature", signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                    log.count("webhooks.answered." + answer.statusCode());
                } catch (java.io.IOException e) {
                    log.count("webhooks.unanswered");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, CompletableFuture.delayedExecutor(how.delayMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private byte[] secret() {
        return config.webhookSecret().getBytes(StandardCharsets.UTF_8);
    }

    static String sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
