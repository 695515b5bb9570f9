package io.relink.reauth.rest;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.relink.nylas.NylasCallObserver;
import io.relink.reauth.config.ReauthConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * With {@code relink.reauth.server-timing} on, every answer carries
 * {@code Server-Timing: app;dur=<ms>, nylas;dur=<ms>}: {@code app} is the time from the request's arrival to its
 * headers less the time spent waiting on Nylas, which is {@code nylas}. A route ahead of all others starts the
 * clock; the Nylas client reports each call it makes for the request being served.
 */
@ApplicationScoped
public class ServerTiming implements NylasCallObserver {
    private static final String NYLAS_NANOS = ServerTiming.class.getName() + ".nylas";

    private final ReauthConfig config;
    /** The request being served, where there is one (a request-scoped bean). */
    private final CurrentVertxRequest current;

    public ServerTiming(ReauthConfig config, CurrentVertxRequest current) {
        this.config = config;
        this.current = current;
    }

    void install(@Observes Router router) {
        if (!config.reauth().serverTiming()) {
            return;
        }
        router.route().order(Integer.MIN_VALUE).handler(request -> {
            long start = System.nanoTime();
            AtomicLong nylas = new AtomicLong();
            request.put(NYLAS_NANOS, nylas);
            request.addHeadersEndHandler(v -> {
                long total = System.nanoTime() - start;
                request.response().putHeader("Server-Timing", String.format(Locale.ROOT, "app;dur=%.2f, nylas;dur=%.2f",
                        (total - nylas.get()) / 1e6, nylas.get() / 1e6));
            });
            request.next();
        });
    }

    @Override
    public void took(String call, Duration time) {
        if (!config.reauth().serverTiming() || !Arc.container().requestContext().isActive()) {
            return;
        }
        RoutingContext request = current.getCurrent();
        AtomicLong nylas = request == null ? null : request.get(NYLAS_NANOS);
        if (nylas != null) {
            nylas.addAndGet(time.toNanos());
        }
    }
}
