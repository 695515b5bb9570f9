package io.relink.console.client;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The scanner's admin API (scanner-service/README.md), as far as the console shows it. */
@RegisterRestClient(configKey = "scanner")
@RegisterClientHeaders(ServiceHeaders.class)
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public interface ScannerApi {
    record Scan(UUID id, String status, String trigger, Instant startedAt, Instant finishedAt, Double durationSeconds, long pagesRead,
            long accountsSeen, long affected, long unknown, long newlyDetected, long resolved, long retries, int resumed, String failureReason) {
    }

    record Funnel(long detected, long notified, long migrated, long resolved, long unknown, long bounced, long notAffected) {
    }

    record Summary(Funnel funnel, Map<String, Long> byStatus) {
    }

    record Account(String accountId, String email, String provider, String status, Instant firstSeenAt, Instant lastSeenAt,
            UUID detectedScanId, int notifications, Instant lastNotifiedAt, Instant migratedAt, String newAccountId, Instant resolvedAt,
            String resolution, String unknownReason, Instant bouncedAt, String bounceReply, String grantStatus, String v2AccountId,
            String notAffectedReason) {
    }

    record AccountPage(List<Account> items, int page, int size, long total) {
    }

    record DailyMigrations(LocalDate day, long migrated) {
    }

    @POST
    @Path("/scans")
    Scan startScan();

    @GET
    @Path("/scans")
    List<Scan> scans();

    @GET
    @Path("/summary")
    Summary summary();

    @GET
    @Path("/summary/daily")
    List<DailyMigrations> daily();

    @GET
    @Path("/accounts")
    AccountPage accounts(@QueryParam("q") String q, @QueryParam("status") String status, @QueryParam("page") int page,
            @QueryParam("size") int size);

    @GET
    @Path("/accounts/{id}")
    Account account(@PathParam("id") String id);
}
