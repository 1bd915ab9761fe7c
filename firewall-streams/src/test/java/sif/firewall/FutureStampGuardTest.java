package sif.firewall;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FutureStampGuardTest {

    static final long NOW = 1_765_000_000_000L;
    static final long SKEW = 300_000L;
    final FutureStampGuard flows = FutureStampGuard.forFlows(SKEW, () -> NOW);

    static ConsumerRecord<Object, Object> record(long timestamp, RecordHeaders headers) {
        return new ConsumerRecord<>("flows", 0, 7L, timestamp, TimestampType.CREATE_TIME, 0, 0, "k", new byte[0],
                headers, Optional.empty());
    }

    @Test
    void aTimestampWithinTheSkewIsTheRecordsOwnAndUnmarked() {
        RecordHeaders h = new RecordHeaders();
        assertEquals(NOW + SKEW, flows.extract(record(NOW + SKEW, h), NOW - 5));
        assertEquals(NOW - 86_400_000L, flows.extract(record(NOW - 86_400_000L, h), NOW));
        assertEquals(OptionalLong.empty(), FutureStampGuard.heldBack(h));
    }

    @Test
    void aTimestampAheadOfTheSkewIsReadAtThePartitionsTimeAndMarkedWithItsOwn() {
        RecordHeaders h = new RecordHeaders();
        assertEquals(NOW - 5, flows.extract(record(NOW + SKEW + 1, h), NOW - 5));
        assertEquals(OptionalLong.of(NOW + SKEW + 1), FutureStampGuard.heldBack(h));
        RecordHeaders first = new RecordHeaders();
        assertEquals(0L, flows.extract(record(NOW + 7_200_000L, first), -1L), "before the partition's first record");
        assertEquals(OptionalLong.of(NOW + 7_200_000L), FutureStampGuard.heldBack(first));
    }

    @Test
    void aTimestampBeforeTheEpochIsHeldBackToo() {
        RecordHeaders h = new RecordHeaders();
        assertEquals(NOW, flows.extract(record(-1L, h), NOW));
        assertEquals(OptionalLong.of(-1L), FutureStampGuard.heldBack(h));
    }

    @Test
    void aMarkTheRecordCameWithIsRemoved() {
        RecordHeaders spoofed = new RecordHeaders();
        spoofed.add(FutureStampGuard.HEADER, "1".getBytes(StandardCharsets.US_ASCII));
        assertEquals(NOW, flows.extract(record(NOW, spoofed), NOW - 1));
        assertNull(spoofed.lastHeader(FutureStampGuard.HEADER));
        RecordHeaders twice = new RecordHeaders();
        twice.add(FutureStampGuard.HEADER, "1".getBytes(StandardCharsets.US_ASCII));
        flows.extract(record(NOW + SKEW + 9, twice), NOW);
        assertEquals(1, twice.toArray().length);
        assertEquals(OptionalLong.of(NOW + SKEW + 9), FutureStampGuard.heldBack(twice));
    }

    @Test
    void onAControlTopicItHoldsBackWithoutAMark() {
        FutureStampGuard control = flows.forControlTopic();
        RecordHeaders h = new RecordHeaders();
        assertEquals(NOW - 3, control.extract(record(NOW + 3_000_000L, h), NOW - 3));
        assertEquals(0, h.toArray().length);
        assertEquals(NOW + 1, control.extract(record(NOW + 1, h), NOW - 3));
    }
}
