package io.relink.scanner.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

import io.relink.nylas.NylasAccount;

/**
 * Walks the whole account list and hands each account to a {@link PageSink} once, completely even while
 * accounts are deleted: offset paging shifts when an account before the offset disappears, so consecutive pages
 * overlap, and a page is accepted only when it shares an account with the page accepted before it. The list has
 * a fixed order, so two overlapping pages cover everything between them; when they do not overlap (more
 * deletions between two reads than the overlap), an extra read at the last accepted offset bridges the gap.
 * Up to {@code readAhead} pages are requested ahead of the one it waits for; accounts reach the sink in list order, and only the
 * last accepted page is kept in memory.
 *
 * <p>Storing overlaps reading: one batch is stored on a thread of its own while the next is read and accepted, and
 * batches are stored one after another, in order, so each checkpoint is later than the one before. At most two
 * batches and the pages read ahead are in memory.
 */
public final class ScanEngine {
    private static final int MAX_BATCH = 20;

    /** An accepted page: its offset, its ids (the checkpoint) and its accounts not handed over before. */
    public record AcceptedPage(long offset, List<String> pageIds, List<NylasAccount> fresh) {
    }

    /**
     * Receives accepted pages in list order, several at once when they were already read (so one transaction
     * can store them); the last page of each batch is the checkpoint.
     */
    public interface PageSink {
        void accept(List<AcceptedPage> pages);
    }

    /** The scan could not follow the list: it changed faster than the scan could bridge. */
    public static final class IncompleteScanException extends RuntimeException {
        public IncompleteScanException(String message) {
            super(message);
        }
    }

    /** The scan was asked to stop (service shutting down); its checkpoint lets it resume. */
    public static final class ScanStoppedException extends RuntimeException {
        public ScanStoppedException() {
            super("the scan was stopped before it finished");
        }
    }

    /** Where to begin: the start of the list, or a checkpoint (the last accepted page). */
    public record Start(long offset, List<String> acceptedIds) {
        public static Start fromBeginning() {
            return new Start(0, null);
        }
    }

    private record Page(long offset, List<NylasAccount> accounts, Set<String> ids) {
        static Page of(long offset, List<NylasAccount> accounts) {
            Set<String> ids = new HashSet<>();
            accounts.forEach(a -> ids.add(a.id()));
            return new Page(offset, accounts, ids);
        }
    }

    private record Pending(long offset, CompletableFuture<List<NylasAccount>> page) {
    }

    private final LongFunction<CompletableFuture<List<NylasAccount>>> source;
    private final int pageSize;
    private final int step;
    private final int readAhead;
    private final int maxBridges;
    private final BooleanSupplier stopRequested;
    private final List<AcceptedPage> batch = new ArrayList<>();
    private CompletableFuture<Void> storing = CompletableFuture.completedFuture(null);
    private ExecutorService storer;
    private int bridges;

    public ScanEngine(LongFunction<CompletableFuture<List<NylasAccount>>> source, int pageSize, int overlap, int readAhead,
            int maxBridges, BooleanSupplier stopRequested) {
        if (overlap < 1 || overlap >= pageSize) {
            throw new IllegalArgumentException("overlap must be between 1 and pageSize - 1, was " + overlap);
        }
        this.source = source;
        this.pageSize = pageSize;
        this.step = pageSize - overlap;
        this.readAhead = Math.max(1, readAhead);
        this.maxBridges = maxBridges;
        this.stopRequested = stopRequested;
    }

    /** Reads to the end of the list. Throws if a page cannot be read, the list cannot be followed, or a stop was asked. */
    public void run(Start start, PageSink sink) {
        storer = Executors.newSingleThreadExecutor(r -> new Thread(r, "scan-store"));
        try {
            walk(start, sink);
            awaitStored();
        } finally {
            batch.clear();
            // A batch still being stored finishes before the caller records the outcome, so nothing writes after it.
            storing.exceptionally(e -> null).join();
            storer.shutdown();
        }
    }

    private void walk(Start start, PageSink sink) {
        ArrayDeque<Pending> ahead = new ArrayDeque<>();
        Page accepted = start.acceptedIds() == null ? null
                : new Page(start.offset(), List.of(), new HashSet<>(start.acceptedIds()));
        long next = accepted == null ? 0 : start.offset() + step;
        try {
            while (true) {
                while (ahead.size() < readAhead) {
                    ahead.add(new Pending(next, source.apply(next)));
                    next += step;
                }
                if (stopRequested.getAsBoolean()) {
                    flush(sink); // what was accepted is sound: store it, so the checkpoint is as far as it can be
                    awaitStored();
                    throw new ScanStoppedException();
                }
                // Store what was read so far when the store is free and the next page is still on the network,
                // or when the batch is full.
                if (storing.isDone() && !ahead.peek().page().isDone() || batch.size() >= MAX_BATCH) {
                    flush(sink);
                }
                Pending pending = ahead.poll();
                Page candidate = Page.of(pending.offset(), await(pending.page()));
                while (accepted != null && !overlaps(accepted, candidate)) {
                    accepted = bridge(accepted, sink);
                    if (accepted.accounts().size() < pageSize) {
                        flush(sink);
                        return; // the bridge reached the end of the list
                    }
                }
                accept(accepted, candidate, sink);
                if (candidate.accounts().size() < pageSize) {
                    flush(sink);
                    return;
                }
                accepted = candidate;
            }
        } finally {
            ahead.forEach(p -> p.page().cancel(true));
        }
    }

    /**
     * Reads again at the last accepted offset (lower, if even that no longer overlaps) and accepts that page,
     * which reaches further than the old one did by as many accounts as were deleted before it.
     */
    private Page bridge(Page accepted, PageSink sink) {
        for (long offset = accepted.offset(); ; offset = Math.max(0, offset - step)) {
            if (++bridges > maxBridges) {
                throw new IncompleteScanException("the account list changed faster than the scan could follow ("
                        + maxBridges + " extra reads did not close the gaps left by deleted accounts)");
            }
            if (stopRequested.getAsBoolean()) {
                awaitStored();
                throw new ScanStoppedException();
            }
            flush(sink);
            Page bridge = Page.of(offset, await(source.apply(offset)));
            // At offset 0 the page starts the list, so it joins whatever was accepted before.
            if (overlaps(accepted, bridge) || offset == 0) {
                accept(accepted, bridge, sink);
                return bridge;
            }
        }
    }

    private static boolean overlaps(Page accepted, Page candidate) {
        for (NylasAccount a : candidate.accounts()) {
            if (accepted.ids().contains(a.id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands over the page's accounts that were not handed over before: in list order, everything before the
     * first account it shares with the previous page was covered already (by that page or the ones before it).
     */
    private void flush(PageSink sink) {
        if (!batch.isEmpty()) {
            List<AcceptedPage> pages = List.copyOf(batch);
            batch.clear();
            awaitStored();
            storing = CompletableFuture.runAsync(() -> sink.accept(pages), storer);
        }
    }

    /** Waits for the batch being stored; its failure is the scan's. */
    private void awaitStored() {
        try {
            storing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private void accept(Page previous, Page page, PageSink sink) {
        List<NylasAccount> accounts = page.accounts();
        int from = 0;
        if (previous != null) {
            while (from < accounts.size() && !previous.ids().contains(accounts.get(from).id())) {
                from++;
            }
            if (from == accounts.size()) {
                from = 0; // a bridge from the start that shares nothing: nothing to skip by
            }
        }
        List<NylasAccount> fresh = previous == null ? accounts
                : accounts.subList(from, accounts.size()).stream().filter(a -> !previous.ids().contains(a.id())).toList();
        batch.add(new AcceptedPage(page.offset(), accounts.stream().map(NylasAccount::id).toList(), fresh));
    }

    public int bridges() {
        return bridges;
    }

    private static List<NylasAccount> await(CompletableFuture<List<NylasAccount>> page) {
        try {
            return page.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
