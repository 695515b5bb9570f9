package io.relink.sandbox.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.sandbox.service.Account;
import io.relink.sandbox.service.AccountStore;
import io.relink.sandbox.service.ConnectV3;
import io.relink.sandbox.service.Grants;
import io.relink.sandbox.service.FaultInjector;
import io.relink.sandbox.service.FaultSettings;
import io.relink.sandbox.service.HostedAuth;
import io.relink.sandbox.service.MicrosoftIdentity;
import io.relink.sandbox.service.HostedAuth.NylasError;
import io.relink.sandbox.service.RequestLog;
import io.relink.sandbox.service.TenantDirectory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The sandbox's own controls, for tests, benchmarks and demos: faults at run time, account changes, and what
 * a scan should find (the ground truth). Not part of the Nylas API; bind the sandbox to loopback.
 */
@Path("/sandbox")
@Produces(MediaType.APPLICATION_JSON)
public class SandboxAdminResource {

    /** Fields an operator may change on an account; absent ones stay as they are. */
    public record AccountChange(@JsonProperty("authentication_type") String authenticationType,
            @JsonProperty("billing_state") String billingState, @JsonProperty("sync_state") String syncState, String provider, String email) {
    }

    public record MigrationSettings(@JsonProperty("new_account_id_share") double newAccountIdShare) {
    }

    private final AccountStore accounts;
    private final FaultInjector faults;
    private final HostedAuth hostedAuth;
    private final MicrosoftIdentity microsoft;
    private final RequestLog log;
    private final ObjectMapper json;
    private final TenantDirectory tenants;
    private final Grants grants;
    private final ConnectV3 connect;

    public SandboxAdminResource(AccountStore accounts, FaultInjector faults, HostedAuth hostedAuth, MicrosoftIdentity microsoft, RequestLog log,
            ObjectMapper json, TenantDirectory tenants, Grants grants, ConnectV3 connect) {
        this.grants = grants;
        this.connect = connect;
        this.tenants = tenants;
        this.accounts = accounts;
        this.faults = faults;
        this.hostedAuth = hostedAuth;
        this.microsoft = microsoft;
        this.log = log;
        this.json = json;
    }

    @GET
    @Path("/faults")
    public FaultSettings faults() {
        return faults.settings();
    }

    @PUT
    @Path("/faults")
    @Consumes(MediaType.APPLICATION_JSON)
    public FaultSettings changeFaults(Map<String, Object> body) {
        if (body == null) {
            throw new IllegalArgumentException("send the fault settings as a JSON object");
        }
        // A misspelt fault would otherwise be ignored and the test would run without it.
        Set<String> known = Arrays.stream(FaultSettings.class.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toSet());
        List<String> unknown = body.keySet().stream().filter(k -> !known.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown fault settings " + unknown + "; known are " + new TreeSet<>(known));
        }
        FaultSettings settings;
        try {
            settings = json.convertValue(body, FaultSettings.class);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() != null && e.getCause().getCause() != null ? e.getCause().getCause() : e;
            throw new IllegalArgumentException(cause.getMessage(), e);
        }
        faults.change(settings);
        return settings;
    }

    @GET
    @Path("/migrations")
    public MigrationSettings migrations() {
        return new MigrationSettings(hostedAuth.newAccountIdShare());
    }

    @PUT
    @Path("/migrations")
    @Consumes(MediaType.APPLICATION_JSON)
    public MigrationSettings changeMigrations(MigrationSettings settings) {
        hostedAuth.changeNewAccountIdShare(settings.newAccountIdShare());
        return migrations();
    }

    @PATCH
    @Path("/accounts/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Account changeAccount(@PathParam("id") String id, AccountChange change) {
        return accounts.update(id, a -> {
            Account next = a;
            if (change.authenticationType() != null) {
                next = next.withAuthenticationType(change.authenticationType().isEmpty() ? null : change.authenticationType());
            }
            if (change.billingState() != null) {
                next = next.withBillingState(change.billingState());
            }
            if (change.syncState() != null) {
                next = next.withSyncState(change.syncState());
            }
            if (change.provider() != null) {
                next = next.withProvider(change.provider());
            }
            if (change.email() != null) {
                next = next.withEmail(change.email());
            }
            return next;
        }).orElseThrow(() -> new NylasError(404, "invalid_request_error", "Couldn't find account " + id));
    }

    /**
     * What a complete scan must report: {@code affected}, the live, active password {@code eas}/{@code ews}
     * accounts; {@code unknown}, the live, active {@code eas}/{@code ews} accounts without an authentication type.
     */
    @GET
    @Path("/ground-truth")
    public Map<String, Object> groundTruth() {
        List<String> affected = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        accounts.forEachLive(a -> {
            boolean exchange = "eas".equals(a.provider()) || "ews".equals(a.provider());
            if (exchange && a.isActive()) {
                if (a.isPasswordExchange()) {
                    affected.add(a.id());
                } else if (a.authenticationType() == null) {
                    unknown.add(a.id());
                }
            }
        });
        Map<String, Object> truth = new LinkedHashMap<>();
        truth.put("live_accounts", accounts.liveCount());
        truth.put("affected", affected);
        truth.put("unknown", unknown);
        // v3: the ews grants a complete scan finds, and how tenant discovery splits them today.
        List<Map<String, Object>> ews = new ArrayList<>();
        grants.all().stream().filter(g -> "ews".equals(g.provider())).forEach(g -> {
            String domain = g.email().substring(g.email().lastIndexOf('@') + 1);
            Map<String, Object> grant = new LinkedHashMap<>();
            grant.put("id", g.id());
            grant.put("email", g.email());
            grant.put("grant_status", g.grantStatus());
            grant.put("account_id", g.accountId());
            grant.put("exchange_online", tenants.lookUp(domain) != TenantDirectory.Answer.NO_TENANT);
            ews.add(grant);
        });
        truth.put("ews_grants", ews);
        return truth;
    }

    @GET
    @Path("/inspection")
    public Map<String, Object> inspection() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("requests", log.snapshot());
        view.put("live_accounts", accounts.liveCount());
        view.put("downgraded", hostedAuth.downgradedAccounts());
        view.put("revoked", hostedAuth.revokedAccounts());
        view.put("tokens", hostedAuth.issuedTokens());
        view.put("microsoft_refresh_tokens", microsoft.issuedRefreshTokens());
        view.put("deleted_grants", connect.deletedGrants());
        return view;
    }

    /** Back to the accounts, faults and settings the sandbox started with. */
    @POST
    @Path("/reset")
    public Map<String, Object> reset() {
        accounts.reset();
        faults.reset();
        hostedAuth.reset();
        connect.reset();
        log.reset();
        tenants.reset();
        return Map.of("live_accounts", accounts.liveCount());
    }

    /** Domains Microsoft's tenant discovery answers "no tenant" for (on-premises), and domains whose lookups fail. */
    public record TenantSettings(@JsonProperty("on_premises") Set<String> onPremises, Set<String> unavailable) {
    }

    @GET
    @Path("/tenants")
    public TenantSettings tenants() {
        return new TenantSettings(tenants.onPremises(), tenants.unavailable());
    }

    @PUT
    @Path("/tenants")
    @Consumes(MediaType.APPLICATION_JSON)
    public TenantSettings changeTenants(TenantSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("send {\"on_premises\": [...], \"unavailable\": [...]}");
        }
        tenants.change(settings.onPremises() == null ? Set.of() : settings.onPremises(),
                settings.unavailable() == null ? Set.of() : settings.unavailable());
        return tenants();
    }
}
