package io.relink.scanner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.relink.nylas.NylasAccount;
import io.relink.scanner.client.PageFetcher.PageUnreadableException;
import io.relink.scanner.service.ScanEngine.Start;

@Tag("unit")
class ScanEngineTest {

    /** An ordered account list that loses {@code deletionsPerRead} random accounts before every read. */
    static final class ShrinkingList {
        final List<String> ids;
        final Random random = new Random(11);
        final int deletionsPerRead;
        int reads;

        ShrinkingList(int size, int deletionsPerRead) {
            this.ids = IntStream.range(0, size).mapToObj(i -> String.format("acc-%06d", i)).collect(Collectors.toCollection(ArrayList::new));
            this.deletionsPerRead = deletionsPerRead;
        }

        CompletableFuture<List<NylasAccount>> read(long offset, int limit) {
            reads++;
            for (int i = 0; i < deletionsPerRead && !ids.isEmpty(); i++) {
                ids.remove(random.nextInt(ids.size()));
            }
            int from = (int) Math.min(offset, ids.size());
            int to = (int) Math.min(offset + limit, ids.size());
            return CompletableFuture.completedFuture(ids.subList(from, to).stream()
                    .map(id -> new NylasAccount(id, id + "@x.example", "eas", "running", "paid", "password")).toList());
        }
    }

    /** Collects what the sink receives. */
    static final class Collected implements ScanEngine.PageSink {
        final List<String> accounts = new ArrayList<>();
        long lastOffset;
        List<String> lastIds;

        @Override
        public void accept(List<ScanEngine.AcceptedPage> pages) {
            for (ScanEngine.AcceptedPage page : pages) {
                page.fresh().forEach(a -> accounts.add(a.id()));
                lastOffset = page.offset();
                lastIds = page.pageIds();
            }
        }
    }

    @Test
    void aStaticListIsReadOnceInOrder() {
        ShrinkingList list = new ShrinkingList(1234, 0);
        Collected sink = new Collected();
        new ScanEngine(o -> list.read(o, 100), 100, 10, 4, 10, () -> false).run(Start.fromBeginning(), sink);
        assertEquals(list.ids, sink.accounts);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 5, 30, 80 })
    void everyAccountThatExistedThroughoutIsFoundWhileOthersAreDeleted(int deletionsPerRead) {
        ShrinkingList list = new ShrinkingList(20_000, deletionsPerRead);
        List<String> before = List.copyOf(list.ids);
        Collected sink = new Collected();
        ScanEngine engine = new ScanEngine(o -> list.read(o, 100), 100, 10, 4, 10_000, () -> false);
        engine.run(Start.fromBeginning(), sink);

        Set<String> survivors = new HashSet<>(list.ids);
        Set<String> found = new HashSet<>(sink.accounts);
        assertTrue(found.containsAll(survivors), "missed " + survivors.stream().filter(id -> !found.contains(id)).limit(5).toList());
        assertEquals(sink.accounts.size(), found.size(), "no account is handed over twice");
        assertTrue(before.containsAll(found));
        if (deletionsPerRead > 10) {
            assertTrue(engine.bridges() > 0, "deletions beyond the overlap were bridged");
        }
    }

    @Test
    void anUnreadablePageEndsTheRunWithItsReason() {
        ShrinkingList list = new ShrinkingList(1000, 0);
        ScanEngine engine = new ScanEngine(o -> o == 450 ? CompletableFuture.failedFuture(new PageUnreadableException("HTTP 503 at 450"))
                : list.read(o, 100), 100, 10, 4, 10, () -> false);
        PageUnreadableException e = assertThrows(PageUnreadableException.class, () -> engine.run(Start.fromBeginning(), new Collected()));
        assertEquals("HTTP 503 at 450", e.getMessage());
    }

    @Test
    void aRunResumesFromItsCheckpointWithoutRepeatingAccounts() {
        ShrinkingList list = new ShrinkingList(1000, 0);
        Collected first = new Collected();
        ScanEngine stopping = new ScanEngine(o -> list.read(o, 100), 100, 10, 2, 10, () -> list.reads >= 5);
        assertThrows(ScanEngine.ScanStoppedException.class, () -> stopping.run(Start.fromBeginning(), first));
        assertTrue(first.lastIds != null && first.accounts.size() < 1000, "stopped part-way, with a checkpoint");
        Collected rest = new Collected();
        new ScanEngine(o -> list.read(o, 100), 100, 10, 2, 10, () -> false).run(new Start(first.lastOffset, first.lastIds), rest);

        List<String> all = new ArrayList<>(first.accounts);
        all.addAll(rest.accounts);
        assertEquals(list.ids, all);
    }

    @Test
    void anEmptyListCompletesAtOnce() {
        Collected sink = new Collected();
        new ScanEngine(o -> CompletableFuture.completedFuture(List.of()), 100, 10, 4, 10, () -> false).run(Start.fromBeginning(), sink);
        assertTrue(sink.accounts.isEmpty());
    }
}
