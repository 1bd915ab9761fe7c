package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CicTimestampsTest {

    private static long utc(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @ParameterizedTest
    @CsvSource({
        "7/7/2017 3:56,       2017-07-07T15:56:00Z",
        "6/7/2017 10:15,      2017-07-06T10:15:00Z",
        "7/7/2017 1:05,       2017-07-07T13:05:00Z",
        "7/7/2017 7:59,       2017-07-07T19:59:00Z",
        "3/7/2017 8:55,       2017-07-03T08:55:00Z",
        "4/7/2017 12:01,      2017-07-04T12:01:00Z",
        "05/07/2017 09:02,    2017-07-05T09:02:00Z",
        "5/7/2017 2:10:33,    2017-07-05T14:10:33Z",
        "5/7/2017 17:10:33,   2017-07-05T17:10:33Z",
        "22/11/2026 04:09:27 AM, 2026-11-22T04:09:27Z",
        "22/11/2026 04:09:27 PM, 2026-11-22T16:09:27Z",
        "22/11/2026 12:00:01 AM, 2026-11-22T00:00:01Z",
        "22/11/2026 12:00:01 PM, 2026-11-22T12:00:01Z",
        "2026-11-22 04:10:02.940421, 2026-11-22T04:10:02.940Z",
        "2026-11-22 04:10:02,  2026-11-22T04:10:02Z",
        "2026-11-22T23:59:59.5, 2026-11-22T23:59:59.500Z",
    })
    void parses(String text, String expected) {
        assertEquals(utc(expected), CicTimestamps.parseUtcMillis(text));
    }

    @Test
    void rejectsGarbage() {
        for (String bad : new String[] {"", "181", "7/7/2017", "7/7/2017 25:00", "32/7/2017 9:00",
                "7/7/2017 9:00 XM", "2026-13-01 00:00:00", "7/7/2017 13:00 PM"}) {
            assertThrows(IllegalArgumentException.class, () -> CicTimestamps.parseUtcMillis(bad), bad);
        }
    }

    @Test
    void isoRoundTrip() {
        long t = utc("2026-11-22T04:10:02.940Z");
        assertEquals("2026-11-22 04:10:02.940", CicTimestamps.formatIso(t));
        assertEquals(t, CicTimestamps.parseUtcMillis(CicTimestamps.formatIso(t)));
    }

    @Test
    void cicFlowMeterSpellingRoundTripsAtAnyHour() {
        assertEquals("07/07/2017 03:56:09 PM", CicTimestamps.formatCicFlowMeter(utc("2017-07-07T15:56:09Z")));
        assertEquals("22/11/2026 04:09:27 AM", CicTimestamps.formatCicFlowMeter(utc("2026-11-22T04:09:27Z")));
        for (String iso : new String[] {"2026-11-22T00:30:05Z", "2026-11-22T04:09:27Z", "2026-11-22T12:00:00Z",
                "2026-11-22T12:59:59Z", "2026-11-22T13:05:00Z", "2026-11-22T21:30:41Z", "2026-11-22T23:59:59Z"}) {
            long t = utc(iso);
            assertEquals(t, CicTimestamps.parseUtcMillis(CicTimestamps.formatCicFlowMeter(t)), iso);
        }
    }
}
