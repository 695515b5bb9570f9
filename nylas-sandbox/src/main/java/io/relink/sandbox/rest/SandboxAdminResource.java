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
import io.relink.sandbox.service.Webhooks;
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
    private final Webhooks webhooks;

    public SandboxAdminResource(AccountStore accounts, FaultInjector faults, HostedAuth hostedAuth, MicrosoftIdentity microsoft, RequestLog log,
            ObjectMapper json, TenantDirectory tenants, Grants grants, ConnectV3 connect, Webhooks webhooks) {
        this.webhooks = webhooks;
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

    /** Changes an account, named by its v2 id or by its v3 grant id. */
    @PATCH
    @Path("/accounts/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Account changeAccount(@PathParam("id") String id, AccountChange change) {
        String accountId = accounts.indexOfGrant(id).stream().boxed().findFirst().flatMap(accounts::atIndex).map(Account::id).orElse(id);
        return accounts.update(accountId, a -> {
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
    public Map<String, Object> groundTruth(@jakarta.ws.rs.QueryParam("api") String api) {
        if ("v3".equals(api)) {
            return v3GroundTruth();
        }
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
        return truth;
    }

    /**
     * {@code ?api=v3}: what a complete v3 scan must report: {@code affected}, the ids of the live ews grants (valid or
     * not); {@code unknown}, none (a grant has no authentication type to be missing); and {@code ews_grants}, each with
     * its address, status, v2 account id and whether tenant discovery puts its domain in Exchange Online today.
     */
    private Map<String, Object> v3GroundTruth() {
        Map<String, Object> truth = new LinkedHashMap<>();
        truth.put("live_accounts", accounts.liveCount());
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
        truth.put("affected", ews.stream().map(g -> g.get("id")).toList());
        truth.put("unknown", List.of());
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
        view.put("v3_access_tokens", connect.issuedAccessTokens());
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
        webhooks.reset();
        log.reset();
        tenants.reset();
        return Map.of("live_accounts", accounts.liveCount());
    }

    /** The v3 webhook to notify, and how its notifications are to misbehave (all fields but {@code url} optional). */
    public record WebhookSettings(String url, @JsonProperty("delay_millis") long delayMillis, boolean repeat, int reorder,
            @JsonProperty("bad_signature") boolean badSignature) {
        Webhooks.Delivery delivery() {
            return new Webhooks.Delivery(delayMillis, repeat, reorder, badSignature);
        }
    }

    /** Registers the webhook (after its URL answered the challenge), or, without a URL, changes how it is delivered to. */
    @PUT
    @Path("/webhook")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> webhook(WebhookSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("send {\"url\": ...} and any of delay_millis, repeat, reorder, bad_signature");
        }
        if (settings.url() != null) {
            webhooks.register(settings.url(), settings.delivery());
        } else {
            webhooks.deliver(settings.delivery());
        }
        return webhooks.settings();
    }

    @jakarta.ws.rs.DELETE
    @Path("/webhook")
    public Map<String, Object> deleteWebhook() {
        webhooks.unregister();
        return webhooks.settings();
    }

    /** The grant's credentials stop working (a changed password): it turns invalid, and Nylas sends grant.expired. */
    @POST
    @Path("/grants/{id}/expire")
    public Map<String, Object> expire(@PathParam("id") String grantId) {
        String accountId = accounts.indexOfGrant(grantId).stream().boxed().findFirst().flatMap(accounts::atIndex).map(Account::id)
                .orElseThrow(() -> new NylasError(404, "invalid_request_error", "no grant " + grantId));
        accounts.update(accountId, a -> a.withSyncState("invalid-credentials"));
        Grants.Grant grant = grants.byId(grantId).orElseThrow();
        webhooks.grant("grant.expired", grant);
        return Map.of("grant_id", grant.id(), "grant_status", grant.grantStatus());
    }

    /** Sends a notification of {@code type} about the grant as it is, as Nylas does for changes the sandbox does not model. */
    @POST
    @Path("/grants/{id}/notify/{type}")
    public Map<String, Object> notifyAbout(@PathParam("id") String grantId, @PathParam("type") String type) {
        Grants.Grant grant = grants.byId(grantId).orElseThrow(() -> new NylasError(404, "invalid_request_error", "no grant " + grantId));
        webhooks.grant(type, grant);
        return Map.of("grant_id", grant.id(), "type", type);
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
