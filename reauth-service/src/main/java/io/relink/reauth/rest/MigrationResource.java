package io.relink.reauth.rest;

import java.time.Instant;
import java.util.List;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.ApiError;
import io.relink.reauth.model.Migration;
import io.relink.reauth.config.ReauthConfig;
import io.relink.reauth.service.TokenCipher;
import io.relink.reauth.service.TokenReseal;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The customer's backend: migrations, and the new access token of a migrated account (until the token retention);
 * operators: resealing stored tokens after a key rotation. Admin key required.
 */
@Path("/api/migrations")
@Produces(MediaType.APPLICATION_JSON)
public class MigrationResource {
    /**
     * A migration; v3 adds the old grant's provider and v2 account id, and what became of the old grant:
     * {@code oldGrantDeleteAt} (due for deletion then; null while kept or once settled), {@code oldGrantDeletedAt} and
     * {@code oldGrantOutcome} ({@code DELETED}, {@code ALREADY_GONE}), the attempts and the last error.
     */
    public record MigrationView(String accountId, String newAccountId, String email, String provider, boolean previousAccountCancelled,
            Instant migratedAt, String previousProvider, String v2AccountId, Instant oldGrantDeleteAt, Instant oldGrantDeletedAt,
            String oldGrantOutcome, int oldGrantAttempts, String oldGrantLastError) {
        static MigrationView of(Migration m) {
            return new MigrationView(m.accountId, m.newAccountId, m.email, m.provider, m.previousCancelled, m.migratedAt, m.previousProvider,
                    m.v2AccountId, m.oldGrantDeleteAt, m.oldGrantDeletedAt, m.oldGrantOutcome, m.oldGrantAttempts, m.oldGrantLastError);
        }
    }

    public record TokenView(String accountId, String newAccountId, String accessToken) {
    }

    /** What a reseal did, and what is left under other keys (0 once it is safe to remove them). */
    public record ResealResult(long resealed, String activeKey, long notUnderActiveKey) {
    }

    private final TokenCipher cipher;
    private final TokenReseal reseal;
    private final ReauthConfig config;

    public MigrationResource(TokenCipher cipher, TokenReseal reseal, ReauthConfig config) {
        this.cipher = cipher;
        this.reseal = reseal;
        this.config = config;
    }

    /** One migration, with what became of its old grant. */
    @GET
    @Path("/{accountId}")
    public Response migration(@PathParam("accountId") String accountId) {
        AccountIds.require("accountId", accountId);
        Migration m = QuarkusTransaction.requiringNew().call(() -> Migration.<Migration>findById(accountId));
        return m == null ? Response.status(404).entity(new ApiError("not_found", "account " + accountId + " has not migrated")).build()
                : Response.ok(MigrationView.of(m)).build();
    }

    /** The 500 most recent migrations. */
    @GET
    public List<MigrationView> list() {
        return QuarkusTransaction.requiringNew().call(() -> Migration.<Migration>findAll(Sort.descending("migratedAt")).page(0, 500).list()
                .stream().map(MigrationView::of).toList());
    }

    @GET
    @Path("/{accountId}/token")
    public Response token(@PathParam("accountId") String accountId) {
        AccountIds.require("accountId", accountId);
        Migration m = QuarkusTransaction.requiringNew().call(() -> Migration.<Migration>findById(accountId));
        if (m == null) {
            return Response.status(404).entity(new ApiError("not_found", "account " + accountId + " has not migrated")).build();
        }
        if (m.tokenCiphertext == null && m.tokenPurgedAt == null) {
            return Response.status(404).entity(new ApiError("no_token", "account " + accountId + " migrated to grant " + m.newAccountId
                    + " by custom authentication, which issues no access token: call Nylas v3 with the API key and that grant id")).build();
        }
        if (m.tokenCiphertext == null) {
            return Response.status(410).entity(new ApiError("token_deleted", "the access token of account " + accountId + " was deleted at "
                    + m.tokenPurgedAt + ", " + config.reauth().tokenRetention().toDays() + " days after the migration (relink.reauth.token-retention);"
                    + " fetch tokens when AccountMigrated arrives")).build();
        }
        return Response.ok(new TokenView(m.accountId, m.newAccountId, cipher.open(m.accountId, m.tokenKeyId, m.tokenCiphertext)))
                .header("Cache-Control", "no-store").build();
    }

    /**
     * After a token key rotation (a new {@code relink.token.keys.<id>} made active): seals every stored token with the
     * active key. Once {@code notUnderActiveKey} is 0, the old key can be removed.
     */
    @POST
    @Path("/tokens/reseal")
    public ResealResult resealTokens() {
        long resealed = reseal.resealAll();
        return new ResealResult(resealed, cipher.activeKeyId(), reseal.notUnderActiveKey());
    }
}
