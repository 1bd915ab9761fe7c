package sif.bench.jmh;

import java.util.ArrayList;
import java.util.List;

/** Cuts model inputs into consecutive full batches. */
final class Batches {

    private Batches() {}

    static List<List<float[][]>> of(List<float[][]> sequences, int batch) {
        List<List<float[][]>> out = new ArrayList<>();
        for (int i = 0; i + batch <= sequences.size(); i += batch) {
            out.add(List.copyOf(sequences.subList(i, i + batch)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("fewer than " + batch + " sequences");
        }
        return out;
    }
}
