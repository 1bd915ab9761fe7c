package sif.flows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Per-class reservoir sampling (Vitter's algorithm R): keeps at most {@code capPerClass} items of
 * each class, each item of a class having the same chance to be kept, in memory bounded by
 * {@code classes x cap}. Deterministic for a given seed and offer order.
 *
 * <p>Every offered item gets a global sequence number (its position in the offer order, i.e. file
 * order when fed by {@link FlowCsvReader}), so {@link #sample()} returns the kept items in their
 * original order and temporal order can be restored.
 *
 * <p>Typical use: {@code FlowCsvReader.read(dir, r -> sampler.offer(mapping.classOf(r.label()), r))}.
 * Not thread-safe.
 *
 * @param <T> the item type
 */
public final class ReservoirSampler<T> {

    /** A kept item with its global sequence number and class. */
    public record Sampled<T>(long sequence, int classIndex, T item) {}

    private final int capPerClass;
    private final List<List<Sampled<T>>> reservoirs = new ArrayList<>();
    private final long[] seen;
    private final SplittableRandom random;
    private long offered;

    /**
     * @param classes     number of classes (class indices 0..classes-1)
     * @param capPerClass maximum items kept per class (&gt; 0; {@link Integer#MAX_VALUE} keeps all)
     * @param seed        random seed
     */
    public ReservoirSampler(int classes, int capPerClass, long seed) {
        if (classes <= 0) {
            throw new IllegalArgumentException("classes must be positive, got " + classes);
        }
        if (capPerClass <= 0) {
            throw new IllegalArgumentException("capPerClass must be positive, got " + capPerClass);
        }
        this.capPerClass = capPerClass;
        this.seen = new long[classes];
        this.random = new SplittableRandom(seed);
        for (int i = 0; i < classes; i++) {
            reservoirs.add(new ArrayList<>());
        }
    }

    /** Offers an item of class {@code classIndex}; returns its global sequence number. */
    public long offer(int classIndex, T item) {
        if (classIndex < 0 || classIndex >= seen.length) {
            throw new IllegalArgumentException("class index " + classIndex + " outside 0.." + (seen.length - 1));
        }
        long sequence = offered++;
        long n = ++seen[classIndex];
        List<Sampled<T>> reservoir = reservoirs.get(classIndex);
        if (reservoir.size() < capPerClass) {
            reservoir.add(new Sampled<>(sequence, classIndex, item));
        } else {
            long j = random.nextLong(n); // 0..n-1
            if (j < capPerClass) {
                reservoir.set((int) j, new Sampled<>(sequence, classIndex, item));
            }
        }
        return sequence;
    }

    /** The kept items of all classes, in offer (sequence) order. */
    public List<Sampled<T>> sample() {
        List<Sampled<T>> all = new ArrayList<>();
        for (List<Sampled<T>> r : reservoirs) {
            all.addAll(r);
        }
        all.sort(Comparator.comparingLong(Sampled::sequence));
        return all;
    }

    /** The kept items of one class, in offer order. */
    public List<Sampled<T>> sample(int classIndex) {
        List<Sampled<T>> r = new ArrayList<>(reservoirs.get(classIndex));
        r.sort(Comparator.comparingLong(Sampled::sequence));
        return r;
    }

    /** Items offered for a class. */
    public long seen(int classIndex) {
        return seen[classIndex];
    }

    /** Items kept for a class. */
    public int kept(int classIndex) {
        return reservoirs.get(classIndex).size();
    }

    /** Items offered in total. */
    public long offered() {
        return offered;
    }

    /** Items kept in total. */
    public int size() {
        int n = 0;
        for (List<Sampled<T>> r : reservoirs) {
            n += r.size();
        }
        return n;
    }

    public int capPerClass() {
        return capPerClass;
    }

    public int classes() {
        return seen.length;
    }
}
