package io.relink.scanner.rest;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.relink.platform.persistence.NativeColumns;
import io.relink.platform.rest.AccountIds;
import io.relink.platform.rest.ApiError;
import io.relink.platform.rest.InvalidRequestException;
import io.relink.scanner.model.AccountStatus;
import io.relink.scanner.model.RegisteredAccount;
import io.relink.scanner.service.Funnel;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** The registry: accounts by status (JSON, paged; or CSV, all of them), one account, and the funnel. */
@Path("/api")
public class AccountResource {
    private static final int MAX_PAGE_SIZE = 1000;
    private static final int CSV_BATCH = 1000;

    private final Funnel funnel;

    public AccountResource(Funnel funnel) {
        this.funnel = funnel;
    }

    public record AccountPage(List<AccountView> items, int page, int size, long total) {
    }

    public record Summary(Funnel.Counts funnel, Map<AccountStatus, Long> byStatus) {
    }

    /** Accounts migrated on one day (UTC). */
    public record DailyMigrations(LocalDate day, long migrated) {
    }

    @GET
    @Path("/accounts")
    @Produces(MediaType.APPLICATION_JSON)
    public AccountPage accounts(@QueryParam("status") String status, @QueryParam("q") String search, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        int p = number("page", page, 0, Integer.MAX_VALUE);
        int s = number("size", size, 100, MAX_PAGE_SIZE);
        Selection selection = Selection.of(status(status), search);
        return QuarkusTransaction.requiringNew().call(() -> {
            PanacheQuery<RegisteredAccount> query = selection.where().isEmpty() ? RegisteredAccount.findAll(Sort.by("accountId"))
                    : RegisteredAccount.find(selection.where(), Sort.by("accountId"), selection.params());
            List<AccountView> items = query.page(p, s).list().stream().map(AccountView::of).toList();
            return new AccountPage(items, p, s, query.count());
        });
    }

    /**
     * One account by the id the scanner detected (a v3 grant id, or a v2 account id), or, for a v3 grant migrated from
     * v2, by its v2 account id, so a campaign begun on v2 ids can follow the same people.
     */
    @GET
    @Path("/accounts/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response account(@PathParam("id") String id) {
        AccountIds.require("id", id);
        RegisteredAccount account = QuarkusTransaction.requiringNew().call(() -> {
            RegisteredAccount byId = RegisteredAccount.findById(id);
            return byId != null ? byId : RegisteredAccount.<RegisteredAccount>find("v2AccountId", id).firstResult();
        });
        return account == null ? Response.status(404).entity(new ApiError("not_found", "no account or grant " + id + " in the registry")).build()
                : Response.ok(AccountView.of(account)).build();
    }

    /** Every account the same selection finds, as CSV, read in batches so a large registry streams in flat memory. */
    @GET
    @Path("/accounts")
    @Produces("text/csv")
    public StreamingOutput accountsCsv(@QueryParam("status") String status, @QueryParam("q") String search) {
        Selection selection = Selection.of(status(status), search);
        String where = "accountId > :after" + (selection.where().isEmpty() ? "" : " and " + selection.where());
        return output -> {
            Writer writer = new OutputStreamWriter(output, StandardCharsets.UTF_8);
            writer.write(AccountView.CSV_HEADER + "\r\n");
            String after = "";
            while (true) {
                Map<String, Object> params = new HashMap<>(selection.params());
                params.put("after", after);
                List<RegisteredAccount> batch = QuarkusTransaction.requiringNew().call(() -> RegisteredAccount.<RegisteredAccount>find(where,
                        Sort.by("accountId"), params).page(0, CSV_BATCH).list());
                for (RegisteredAccount account : batch) {
                    writer.write(AccountView.of(account).csv() + "\r\n");
                }
                writer.flush();
                if (batch.size() < CSV_BATCH) {
                    return;
                }
                after = batch.get(batch.size() - 1).accountId;
            }
        };
    }

    @GET
    @Path("/summary")
    @Produces(MediaType.APPLICATION_JSON)
    public Summary summary() {
        return new Summary(funnel.total(), funnel.byStatus());
    }

    /** Migrations per day (UTC), oldest first, for the console's chart against the campaign's deadline. */
    @GET
    @Path("/summary/daily")
    @Produces(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public List<DailyMigrations> daily() {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) RegisteredAccount.getEntityManager().createNativeQuery(
                "SELECT CAST(date_trunc('day', migrated_at AT TIME ZONE 'UTC') AS DATE), count(*) FROM account WHERE migrated_at IS NOT NULL "
                        + "GROUP BY 1 ORDER BY 1").getResultList()).stream()
                .map(r -> new DailyMigrations(r[0] instanceof LocalDate day ? day : ((java.sql.Date) r[0]).toLocalDate(), NativeColumns.count(r[1])))
                .toList());
    }

    /**
     * Which accounts a listing selects, as a where clause over the registry and its named parameters: a status, and
     * {@code q}, an exact account or v2 account id, the start of an email address (the index on lower(email) serves it),
     * or {@code @domain} for everyone of a domain.
     */
    private record Selection(String where, Map<String, Object> params) {
        static Selection of(AccountStatus status, String search) {
            String q = search == null || search.isBlank() ? null : search.strip().toLowerCase(Locale.ROOT);
            if (q != null && q.length() > 320) {
                throw new InvalidRequestException("q: at most 320 characters (an email address, its start, or an account id)");
            }
            List<String> conditions = new ArrayList<>();
            Map<String, Object> params = new HashMap<>();
            if (q != null) {
                conditions.add("(accountId = :q or v2AccountId = :q or lower(email) like :pattern)");
                String literal = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
                params.put("q", q);
                params.put("pattern", q.startsWith("@") ? "%" + literal : literal + "%");
            }
            if (status != null) {
                conditions.add("status = :status");
                params.put("status", status);
            }
            return new Selection(String.join(" and ", conditions), params);
        }
    }

    private static AccountStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return AccountStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status must be one of " + Arrays.toString(AccountStatus.values()));
        }
    }

    private static int number(String name, String value, int defaultValue, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0 || n > max) {
                throw new InvalidRequestException(name + " must be between 0 and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name + " must be a whole number");
        }
    }
}
