package io.relink.scanner.rest;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.relink.platform.rest.ApiError;
import io.relink.platform.rest.InvalidRequestException;
import io.relink.platform.security.AdminAuthenticationFilter;
import io.relink.scanner.model.Scan;
import io.relink.scanner.service.Funnel;
import io.relink.scanner.service.ScanService;
import io.relink.scanner.service.ScanService.ScanAlreadyRunningException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/** Start a scan and follow it. Admin authentication (Bearer key) is required, as for everything under /api. */
@Path("/api/scans")
@Produces(MediaType.APPLICATION_JSON)
public class ScanResource {
    private final ScanService scans;
    private final Funnel funnel;

    public ScanResource(ScanService scans, Funnel funnel) {
        this.scans = scans;
        this.funnel = funnel;
    }

    /** Starts a scan: 202 with the scan and its Location; 409 while another runs. Its trigger names who started it. */
    @POST
    public Response start(@Context SecurityContext security) {
        Scan scan = scans.start(AdminAuthenticationFilter.operator(security));
        return Response.accepted(ScanView.of(scan, funnel.ofScan(scan.id))).location(URI.create("/api/scans/" + scan.id)).build();
    }

    /** The 50 most recent scans, newest first. */
    @GET
    public List<ScanView> list() {
        List<Scan> recent = QuarkusTransaction.requiringNew().call(() -> Scan.<Scan>find("order by startedAt desc").page(0, 50).list());
        return recent.stream().map(s -> ScanView.of(s, funnel.ofScan(s.id))).toList();
    }

    @GET
    @Path("/{id}")
    public ScanView get(@PathParam("id") String id) {
        UUID scanId = parse(id);
        Scan scan = QuarkusTransaction.requiringNew().call(() -> Scan.<Scan>findById(scanId));
        if (scan == null) {
            throw new NotFoundException("no scan " + scanId);
        }
        return ScanView.of(scan, funnel.ofScan(scanId));
    }

    @ServerExceptionMapper
    public Response alreadyRunning(ScanAlreadyRunningException e) {
        return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "scan_running", "message", e.getMessage(), "runningScanId", String.valueOf(e.running()))).build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("not_found", e.getMessage())).build();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("a scan id is a UUID, such as 0b9e8d7c-6a5b-4c3d-9e2f-1a0b9c8d7e6f");
        }
    }
}
