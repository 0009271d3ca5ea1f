package dev.stylize.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.Phase;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class FanOutTest {
    /** Records ids; completes sends at once unless {@code stalled}. */
    static final class Recorder implements FanOut.Sink {
        final List<String> ids = new ArrayList<>();
        final List<CompletableFuture<Void>> open = new ArrayList<>();
        boolean stalled;
        boolean closed;

        @Override
        public CompletionStage<?> send(GatewayEvent e) {
            ids.add(e.id().toString());
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (stalled) {
                open.add(f);
            } else {
                f.complete(null);
            }
            return f;
        }

        @Override
        public CompletionStage<?> ping() {
            return closed ? CompletableFuture.failedFuture(new IllegalStateException("gone"))
                    : CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    static GatewayEvent progress(String job, long offset, int step) {
        return new GatewayEvent(job, offset, ProgressEvent.phase(job, 1, Phase.DENOISING, step, 100, step / 100.0,
                null), null, "{}");
    }

    static GatewayEvent result(String job, long offset) {
        return new GatewayEvent(job, offset, null, ResultEvent.failed(job, 1, ErrorCode.CANCELLED, "stop", Map.of(),
                null, null), "{}");
    }

    @Test
    void liveEventsInOrderThenTheResultEndsTheStream() {
        FanOut f = new FanOut(100, 8, 4, 10);
        Recorder r = new Recorder();
        assertEquals(FanOut.Subscribed.STREAMING, f.subscribe("a", r, null));
        f.publish(progress("a", 3, 1));
        f.publish(progress("b", 4, 1)); // another job
        f.publish(progress("a", 7, 2));
        f.publish(progress("a", 7, 2)); // read twice
        f.publish(result("a", 2));
        assertEquals(List.of("p3", "p7", "r2"), r.ids);
        assertTrue(r.closed, "closed after the result");
        assertEquals(0, f.subscribers());
        f.publish(progress("a", 9, 3));
        assertEquals(3, r.ids.size(), "nothing after the end");
    }

    @Test
    void aLateSubscriberFirstGetsTheLatestStateOnly() {
        FanOut f = new FanOut(100, 8, 4, 10);
        f.publish(progress("a", 3, 1));
        f.publish(progress("a", 5, 2));
        Recorder r = new Recorder();
        f.subscribe("a", r, null);
        assertEquals(List.of("p5"), r.ids);
        f.publish(progress("a", 6, 3));
        assertEquals(List.of("p5", "p6"), r.ids);

        f.publish(result("a", 10));
        Recorder late = new Recorder();
        assertEquals(FanOut.Subscribed.ENDED, f.subscribe("a", late, null));
        assertEquals(List.of("r10"), late.ids);
        assertTrue(late.closed);
    }

    @Test
    void lastEventIdResumesAfterIt() {
        FanOut f = new FanOut(100, 8, 4, 10);
        for (long o = 1; o <= 5; o++) {
            f.publish(progress("a", o, (int) o));
        }
        Recorder r = new Recorder();
        f.subscribe("a", r, EventId.parse("p3").orElseThrow());
        assertEquals(List.of("p4", "p5"), r.ids);
        f.publish(result("a", 0));
        assertEquals(List.of("p4", "p5", "r0"), r.ids);

        Recorder again = new Recorder();
        assertEquals(FanOut.Subscribed.ENDED, f.subscribe("a", again, EventId.parse("p4").orElseThrow()));
        assertEquals(List.of("p5", "r0"), again.ids);

        assertTrue(f.finishedAfter("a", EventId.parse("r0").orElseThrow()));
        assertFalse(f.finishedAfter("a", EventId.parse("p5").orElseThrow()));
        assertFalse(f.finishedAfter("a", null));
        Recorder afterResult = new Recorder();
        assertEquals(FanOut.Subscribed.DONE, f.subscribe("a", afterResult, EventId.parse("r0").orElseThrow()));
        assertEquals(List.of(), afterResult.ids);
        assertTrue(afterResult.closed);
    }

    @Test
    void historyIsBoundedPerJob() {
        FanOut f = new FanOut(100, 3, 4, 10);
        for (long o = 1; o <= 10; o++) {
            f.publish(progress("a", o, (int) o));
        }
        assertEquals(Optional.of(3), f.history("a"));
        Recorder r = new Recorder();
        f.subscribe("a", r, EventId.parse("p1").orElseThrow());
        assertEquals(List.of("p8", "p9", "p10"), r.ids, "what is held after the id");
    }

    @Test
    void aSlowSubscriberIsClosedAndTheOthersStillGetEverything() {
        FanOut f = new FanOut(100, 8, 2, 10);
        Recorder slow = new Recorder();
        slow.stalled = true;
        Recorder fast = new Recorder();
        f.subscribe("a", slow, null);
        f.subscribe("a", fast, null);
        for (long o = 1; o <= 5; o++) {
            f.publish(progress("a", o, (int) o));
        }
        assertEquals(List.of("p1", "p2"), slow.ids, "at most the buffer unwritten");
        assertTrue(slow.closed);
        assertEquals(1, f.dropped());
        assertEquals(List.of("p1", "p2", "p3", "p4", "p5"), fast.ids);
        assertEquals(1, f.subscribers());
    }

    @Test
    void jobsAreEvictedLeastRecentlyUsedFirstButNeverWhileWatched() {
        FanOut f = new FanOut(3, 8, 4, 10);
        Recorder watcher = new Recorder();
        f.subscribe("watched", watcher, null);
        for (int i = 0; i < 10; i++) {
            f.publish(progress("job" + i, i, 1));
        }
        assertEquals(3, f.jobs());
        assertTrue(f.snapshot("job9").known());
        assertFalse(f.snapshot("job0").known());
        f.publish(progress("watched", 100, 1));
        assertEquals(List.of("p100"), watcher.ids, "a watched job was kept");
    }

    @Test
    void subscribersAreBoundedAndClosedOnesAreForgottenAtTheHeartbeat() {
        FanOut f = new FanOut(100, 8, 4, 2);
        Recorder a = new Recorder();
        f.subscribe("a", a, null);
        f.subscribe("b", new Recorder(), null);
        assertThrows(FanOut.TooManySubscribers.class, () -> f.subscribe("c", new Recorder(), null));
        a.close();
        assertEquals(1, f.heartbeat());
        assertEquals(FanOut.Subscribed.STREAMING, f.subscribe("c", new Recorder(), null));
    }

    @Test
    void aLookedUpPastMergesByOffsetWithWhatIsLive() {
        FanOut f = new FanOut(100, 8, 4, 10);
        f.publish(progress("a", 9, 5)); // live since the gateway started
        f.seed("a", List.of(progress("a", 2, 1), progress("a", 9, 5), progress("a", 4, 2)));
        Recorder r = new Recorder();
        f.subscribe("a", r, EventId.parse("p0").orElseThrow());
        assertEquals(List.of("p2", "p4", "p9"), r.ids);
        assertFalse(f.needsLookup("a"));
        assertTrue(f.needsLookup("unseen"));
    }

    @Test
    void eventIdsRoundTripAndJunkStartsAfresh() {
        assertEquals("p42", EventId.parse("p42").orElseThrow().toString());
        assertEquals("r7", EventId.parse("r7").orElseThrow().toString());
        for (String junk : new String[] {null, "", "p", "x5", "p-1", "pabc"}) {
            assertTrue(EventId.parse(junk).isEmpty(), String.valueOf(junk));
        }
    }
}
