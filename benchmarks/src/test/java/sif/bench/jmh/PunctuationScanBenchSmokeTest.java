package sif.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PunctuationScanBench} outside JMH on a small store: the store is filled with every source,
 * and the punctuations it times scan it (in slices) without removing any (the benchmark measures scans
 * that find nothing to expire, not a shrinking store).
 */
class PunctuationScanBenchSmokeTest {

    @ParameterizedTest
    @ValueSource(strings = {"blocklist", "zeroTrust", "alerts", "sequences", "none"})
    void punctuationsScanTheFilledStoreAndRemoveNothing(String store) throws Exception {
        MicrobenchmarksSmokeTest.useTheShippedModel();
        PunctuationScanBench b = new PunctuationScanBench();
        b.store = store;
        b.sources = 3_000;
        b.scanMaxEntries = 1_000; // slices: the four punctuations go round the store once and on
        b.setUp();
        try {
            for (int i = 0; i < 4; i++) {
                b.punctuation();
            }
            KeyValueStore<String, byte[]> filled = b.filledStore();
            if ("none".equals(store)) {
                assertNull(filled);
                return;
            }
            String piped = b.pipedSource();
            int n = 0;
            try (KeyValueIterator<String, byte[]> it = filled.all()) {
                while (it.hasNext()) {
                    String key = it.next().key;
                    if (!key.equals(piped) && !key.startsWith(piped + "|")) { // the piped flows' own entry
                        n++;
                    }
                }
            }
            assertEquals(3_000, n, store + ": entries left after the punctuations");
        } finally {
            b.tearDown();
        }
    }
}
