package sif.producer;

import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Supplier;
import sif.flows.FlowRecord;
import sif.flows.ReadSummary;

/**
 * Where {@link FlowReplayer} takes flows from: one {@link #open() pass} at a time, in the order to
 * send them. A source may be replayed again ({@code --loop}) by opening a new pass.
 */
public interface FlowSource {

    /** Opens one pass over the flows. The caller closes it. */
    Pass open() throws IOException;

    /** Flows in one pass if known in advance (for progress and ETA), else -1. */
    default long flowsPerPass() {
        return -1;
    }

    /** What the reader skipped in the last finished pass (malformed rows), or null if not a file source. */
    default ReadSummary lastReadSummary() {
        return null;
    }

    /**
     * The event time (epoch ms, -1 if none) by which {@code --speedup} paces {@code flow}: by default
     * the flow's timestamp (its start). A source whose flows are emitted when they end (flows
     * extracted from a capture) returns the flow's end, so a replay paced by it releases each flow
     * when a live extractor would have.
     */
    default long paceTimeMs(FlowRecord flow) {
        return flow.timestampMs();
    }

    /** A short human-readable description for logs and the console. */
    String describe();

    /** One pass over the flows. */
    interface Pass extends Iterator<FlowRecord>, AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * A source backed by iterators, e.g. an endless synthetic generator. Each pass calls {@code
     * passes} for a fresh iterator.
     */
    static FlowSource of(String description, Supplier<? extends Iterator<FlowRecord>> passes) {
        Objects.requireNonNull(passes, "passes");
        return new FlowSource() {
            @Override
            public Pass open() {
                Iterator<FlowRecord> it = passes.get();
                return new Pass() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public FlowRecord next() {
                        return it.next();
                    }

                    @Override
                    public void close() {
                        if (it instanceof AutoCloseable c) {
                            try {
                                c.close();
                            } catch (Exception e) {
                                throw new IllegalStateException("closing flow source " + description + " failed", e);
                            }
                        }
                    }
                };
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
