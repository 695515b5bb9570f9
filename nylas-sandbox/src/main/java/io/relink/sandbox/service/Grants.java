package io.relink.sandbox.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The accounts as Nylas v3 lists them: grants. Every live, active account is a grant on the connector its mailbox
 * has in v3: password Exchange accounts ({@code eas}, {@code ews}, {@code exchange}) on {@code ews}, Microsoft OAuth
 * ones on {@code microsoft}, and so on. Seven in ten of the generated ones were migrated from v2 and carry their v2
 * {@code account_id}; a grant whose v2 sync state said its credentials failed is {@code invalid}. Grants are created
 * in index order ({@code created_at} rises with it), so the oldest-first listing is the v2 listing's order, and new
 * grants (churn, hand-overs) join its end.
 */
@ApplicationScoped
public class Grants {
    /** A grant object as {@code /v3/grants} returns it; {@code account_id} only on grants migrated from v2. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({ "id", "provider", "grant_status", "email", "scope", "created_at", "updated_at", "account_id" })
    public record Grant(String id, String provider, @JsonProperty("grant_status") String grantStatus, String email, List<String> scope,
            @JsonProperty("created_at") long createdAt, @JsonProperty("updated_at") long updatedAt,
            @JsonProperty("account_id") String accountId) {
    }

    /** The first grant's {@code created_at}: grants are a second apart, in index order. */
    static final long FIRST_CREATED_AT = 1_700_000_000L;
    private static final Set<String> INVALID_SYNC_STATES = Set.of("invalid-credentials", "invalid_credentials", "invalid");

    /** A filtered listing, as it was at one version of the store: the indices of its grants, oldest first. */
    private record Listing(long version, long[] indices) {
    }

    private final AccountStore accounts;
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();

    public Grants(AccountStore accounts) {
        this.accounts = accounts;
    }

    /** The v3 connector of an account's mailbox, or null when it is no grant (cancelled or deleted in v2 terms). */
    static String connector(Account account) {
        if (!account.isActive()) {
            return null;
        }
        return switch (account.provider() == null ? "" : account.provider()) {
            case "eas", "ews", "exchange" -> "oauth".equals(account.authenticationType()) ? "microsoft" : "ews";
            case "graph", "office365", "outlook", "hotmail", "microsoft" -> "microsoft";
            case "gmail", "google" -> "google";
            case "icloud" -> "icloud";
            case "yahoo" -> "yahoo";
            default -> "imap";
        };
    }

    /** The grant of the account at {@code index}; empty when it is no grant. */
    public Optional<Grant> grantAt(long index) {
        return accounts.atIndex(index).flatMap(a -> grant(index, a));
    }

    public Optional<Grant> byId(String grantId) {
        return accounts.indexOfGrant(grantId).stream().boxed().findFirst().flatMap(this::grantAt);
    }

    /** The grant of an account known by its (v2) id, as a hand-over finds it. */
    public Optional<Grant> ofAccount(Account account) {
        return accounts.indexOfLive(account.id()).stream().boxed().findFirst().flatMap(i -> grant(i, account));
    }

    /** Deletes a grant for good, as {@code DELETE /v3/grants/{id}}; false when there is none. */
    public boolean delete(String grantId) {
        Optional<Account> account = accounts.indexOfGrant(grantId).stream().boxed().findFirst().flatMap(accounts::atIndex);
        return account.isPresent() && connector(account.get()) != null && accounts.delete(account.get().id());
    }

    /**
     * One page of the grants on {@code connector} (every connector when null), {@code newestFirst} as Nylas's default
     * order is, or oldest first.
     */
    public List<Grant> page(String connector, String grantStatus, long offset, int limit, boolean newestFirst) {
        long[] indices = listing(connector, grantStatus);
        List<Grant> page = new ArrayList<>(Math.min(limit, indices.length));
        for (long position = offset; position < indices.length && page.size() < limit; position++) {
            long index = indices[(int) (newestFirst ? indices.length - 1 - position : position)];
            grantAt(index).ifPresent(page::add);
        }
        return page;
    }

    /** Every grant, oldest first, for the ground truth. */
    public List<Grant> all() {
        return page(null, null, 0, Integer.MAX_VALUE, false);
    }

    /**
     * The indices of the grants a filter lists, built again only when the store changed since: a scan reads thousands
     * of pages of one listing, and churn changes it only now and then.
     */
    private long[] listing(String connector, String grantStatus) {
        String key = connector + "|" + grantStatus;
        long version = accounts.version();
        Listing listing = listings.get(key);
        if (listing != null && listing.version() == version) {
            return listing.indices();
        }
        synchronized (this) {
            listing = listings.get(key);
            if (listing != null && listing.version() == accounts.version()) {
                return listing.indices();
            }
            long built = accounts.version();
            long[] indices = new long[1024];
            int count = 0;
            long limit = accounts.indexLimit();
            for (long index = 0; index < limit; index++) {
                Optional<Grant> grant = grantAt(index);
                if (grant.isPresent() && (connector == null || connector.equals(grant.get().provider()))
                        && (grantStatus == null || grantStatus.equals(grant.get().grantStatus()))) {
                    if (count == indices.length) {
                        indices = Arrays.copyOf(indices, count * 2);
                    }
                    indices[count++] = index;
                }
            }
            long[] result = Arrays.copyOf(indices, count);
            listings.put(key, new Listing(built, result));
            return result;
        }
    }

    private Optional<Grant> grant(long index, Account account) {
        String connector = connector(account);
        if (connector == null) {
            return Optional.empty();
        }
        boolean invalid = account.syncState() != null && INVALID_SYNC_STATES.contains(account.syncState().toLowerCase(Locale.ROOT));
        boolean fromV2 = index < accounts.baseCount() && Long.remainderUnsigned(AccountGenerator.mix(index ^ 0x5bd1e995L), 10) < 7;
        List<String> scope = "microsoft".equals(connector) ? List.of("Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite", "Contacts.ReadWrite", "offline_access")
                : List.of();
        long created = FIRST_CREATED_AT + index;
        return Optional.of(new Grant(accounts.grantId(index), connector, invalid ? "invalid" : "valid", account.email(), scope, created, created,
                fromV2 ? account.id() : null));
    }
}
