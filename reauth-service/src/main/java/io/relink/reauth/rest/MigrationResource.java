package io.relink.reauth.rest;

import java.time.Instant;
import java.util.List;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.ApiError;
import io.relink.reauth.model.Migration;
import io.relink.reauth.service.TokenCipher;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The customer's backend: migrations, and the new access token of a migrated account. Admin key required. */
@Path("/api/migrations")
@Produces(MediaType.APPLICATION_JSON)
public class MigrationResource {
    public record MigrationView(String accountId, String newAccountId, String email, String provider, boolean previousAccountCancelled,
            Instant migratedAt) {
        static MigrationView of(Migration m) {
            return new MigrationView(m.accountId, m.newAccountId, m.email, m.provider, m.previousCancelled, m.migratedAt);
        }
    }

    public record TokenView(String accountId, String newAccountId, String accessToken) {
    }

    private final TokenCipher cipher;

    public MigrationResource(TokenCipher cipher) {
        this.cipher = cipher;
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
        return Response.ok(new TokenView(m.accountId, m.newAccountId, cipher.decrypt(m.accountId, m.tokenCiphertext)))
                .header("Cache-Control", "no-store").build();
    }
}
