package io.relink.sandbox.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relink.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every account of the sandbox, in a fixed order: accounts 0..n-1 are generated (or loaded from a file),
 * later ones were added by churn or by a migration that created a new account id. Only changes are stored;
 * deleted accounts leave the listing, so offsets shift as at Nylas.
 */
@ApplicationScoped
public class AccountStore {
    private final SandboxConfig config;
    private final AccountGenerator generator;
    private final List<Account> fileAccounts;
    private final Map<String, Long> fileIndexById = new HashMap<>();
    private final Map<String, Long> fileIndexByEmail = new HashMap<>();

    private final Map<Long, Account> changed = new ConcurrentHashMap<>();
    private final Map<String, Long> addedIndexByEmail = new ConcurrentHashMap<>();
    private final long baseCount;
    private volatile long total;
    /** Sorted indices of deleted accounts; replaced, never changed in place, so readers need no lock. */
    private volatile long[] deleted = new long[0];
    /** Counts every change, so views built from the accounts (the v3 grant listings) know when to rebuild. */
    private volatile long version;

    public AccountStore(SandboxConfig config) {
        this.config = config;
        this.generator = new AccountGenerator(config.seed());
        this.fileAccounts = config.accountsFile().map(AccountStore::load).orElse(null);
        if (fileAccounts != null) {
            for (int i = 0; i < fileAccounts.size(); i++) {
                fileIndexById.put(fileAccounts.get(i).id(), (long) i);
                fileIndexByEmail.putIfAbsent(fileAccounts.get(i).email().toLowerCase(Locale.ROOT), (long) i);
            }
        }
        this.baseCount = fileAccounts != null ? fileAccounts.size() : config.accounts();
        this.total = baseCount;
    }

    /** Back to the accounts the sandbox started with. */
    public synchronized void reset() {
        version++;
        changed.clear();
        addedIndexByEmail.clear();
        deleted = new long[0];
        total = baseCount;
    }

    public long liveCount() {
        return total - deleted.length;
    }

    /** The page of live accounts at {@code offset}, in listing order. */
    public List<Account> page(long offset, int limit) {
        long[] gone = deleted;
        long end = total;
        List<Account> page = new ArrayList<>(Math.min(limit, 1024));
        for (long index = indexAtOffset(offset, gone); index < end && page.size() < limit; index++) {
            if (Arrays.binarySearch(gone, index) < 0) {
                page.add(account(index));
            }
        }
        return page;
    }

    public Optional<Account> byId(String id) {
        return indexOfId(id).stream().filter(this::isLive).mapToObj(this::account).findFirst();
    }

    /** The live account signed in as {@code email} (case-insensitive); after a move to a new id, the new one. */
    public Optional<Account> byEmail(String email) {
        String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        Long added = addedIndexByEmail.get(normalized);
        if (added != null && isLive(added)) {
            return Optional.of(account(added));
        }
        OptionalLong index;
        if (fileAccounts != null) {
            Long i = fileIndexByEmail.get(normalized);
            index = i == null ? OptionalLong.empty() : OptionalLong.of(i);
        } else {
            index = AccountGenerator.indexInEmail(normalized);
        }
        return index.stream().filter(i -> i < total && isLive(i))
                .mapToObj(this::account).filter(a -> a.email().equalsIgnoreCase(normalized)).findFirst();
    }

    /** Changes a live account; empty when there is none with that id. */
    public synchronized Optional<Account> update(String id, UnaryOperator<Account> change) {
        version++;
        OptionalLong index = indexOfId(id);
        if (index.isEmpty() || !isLive(index.getAsLong())) {
            return Optional.empty();
        }
        Account updated = change.apply(account(index.getAsLong()));
        changed.put(index.getAsLong(), updated);
        return Optional.of(updated);
    }

    public synchronized boolean delete(String id) {
        OptionalLong index = indexOfId(id);
        if (index.isEmpty() || !isLive(index.getAsLong())) {
            return false;
        }
        deleteIndex(index.getAsLong());
        return true;
    }

    /** Deletes the live account nearest after position {@code roll} of the listing; returns its id. */
    public synchronized Optional<String> deleteAt(long roll) {
        long live = liveCount();
        if (live == 0) {
            return Optional.empty();
        }
        long index = indexAtOffset(Long.remainderUnsigned(roll, live), deleted);
        String id = account(index).id();
        deleteIndex(index);
        return Optional.of(id);
    }

    /** Appends a freshly generated account (churn); returns it. */
    public synchronized Account addGenerated() {
        version++;
        long index = total;
        Account account = fileAccounts == null ? generator.generate(index) : generator.generate(index).withProvider("imap");
        if (fileAccounts != null) {
            changed.put(index, account);
        }
        total = index + 1;
        addedIndexByEmail.put(account.email(), index);
        return account;
    }

    /** Appends a new account for the same mailbox with a new id (a migration to the graph provider). */
    public synchronized Account addMovedAccount(Account from, String provider) {
        version++;
        long index = total;
        Account moved = from.asNewAccount(generator.id(index), provider);
        changed.put(index, moved);
        addedIndexByEmail.put(moved.email().toLowerCase(Locale.ROOT), index);
        total = index + 1;
        return moved;
    }

    /** Changes so far: a view built at one version is current while the version is the same. */
    public long version() {
        return version;
    }

    /** The live account at a listing index (not a position: indices keep their number when others are deleted). */
    public Optional<Account> atIndex(long index) {
        return isLive(index) ? Optional.of(account(index)) : Optional.empty();
    }

    /** The index of a live account, for the views that render it (v3 grants). */
    public OptionalLong indexOfLive(String id) {
        OptionalLong index = indexOfId(id);
        return index.isPresent() && isLive(index.getAsLong()) ? index : OptionalLong.empty();
    }

    /** The v3 grant id of the account at {@code index}. */
    public String grantId(long index) {
        return generator.grantId(index);
    }

    /** The index of the live account whose v3 grant id this is. */
    public OptionalLong indexOfGrant(String grantId) {
        OptionalLong index = generator.indexOfGrantId(grantId);
        return index.isPresent() && isLive(index.getAsLong()) ? index : OptionalLong.empty();
    }

    /** How many accounts the sandbox started with (generated or from its file); later ones were added. */
    public long baseCount() {
        return baseCount;
    }

    /** How many accounts there are, deleted ones included: every index below it was used once. */
    public long indexLimit() {
        return total;
    }

    /** Calls {@code action} for every live account, in listing order. */
    public void forEachLive(Consumer<Account> action) {
        long[] gone = deleted;
        long end = total;
        for (long index = 0; index < end; index++) {
            if (Arrays.binarySearch(gone, index) < 0) {
                action.accept(account(index));
            }
        }
    }

    private Account account(long index) {
        Account account = changed.get(index);
        if (account != null) {
            return account;
        }
        return fileAccounts != null && index < baseCount ? fileAccounts.get((int) index) : generator.generate(index);
    }

    private OptionalLong indexOfId(String id) {
        if (fileAccounts != null) {
            Long i = fileIndexById.get(id);
            if (i != null) {
                return OptionalLong.of(i);
            }
        }
        OptionalLong index = generator.indexOfId(id);
        if (index.isPresent() && fileAccounts != null && index.getAsLong() < baseCount) {
            return OptionalLong.empty();
        }
        return index.isPresent() && index.getAsLong() < total ? index : OptionalLong.empty();
    }

    private boolean isLive(long index) {
        return index < total && Arrays.binarySearch(deleted, index) < 0;
    }

    private void deleteIndex(long index) {
        version++;
        long[] gone = deleted;
        int at = -Arrays.binarySearch(gone, index) - 1;
        long[] next = new long[gone.length + 1];
        System.arraycopy(gone, 0, next, 0, at);
        next[at] = index;
        System.arraycopy(gone, at, next, at + 1, gone.length - at);
        deleted = next;
    }

    /**
     * The index of the live account at a listing position: the smallest i with i = offset + deleted(<= i).
     * The iteration only rises and stops at the smallest such i, which is never a deleted index.
     */
    private static long indexAtOffset(long offset, long[] gone) {
        long index = offset;
        while (true) {
            long next = offset + countAtMost(gone, index);
            if (next == index) {
                return index;
            }
            index = next;
        }
    }

    /** How many of the sorted values are at most {@code x}. */
    private static int countAtMost(long[] sorted, long x) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static List<Account> load(Path file) {
        try {
            ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            return List.of(mapper.readValue(Files.readAllBytes(file), Account[].class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sandbox accounts from " + file, e);
        }
    }
}
