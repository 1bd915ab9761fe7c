package sif.flows;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Parses the timestamp spellings of CICFlowMeter outputs to epoch milliseconds, reading wall-clock
 * times as UTC.
 *
 * <ul>
 *   <li>{@code d/m/yyyy h:mm} and {@code d/m/yyyy h:mm:ss} - CICIDS2017 TrafficLabelling: a
 *       12-hour clock <em>without</em> AM/PM. The capture ran about 08:00-18:00, so an hour 1..7 is
 *       afternoon (h+12) and 8..12 stays; 0 and 13..23 (a 24-hour writer) are kept as written.</li>
 *   <li>{@code dd/MM/yyyy hh:mm:ss a} - CICFlowMeter V4 with AM/PM ({@code 12 AM} is 00).</li>
 *   <li>{@code yyyy-MM-dd HH:mm:ss[.SSSSSS]} (also with {@code 'T'}) - Engelen's corrected
 *       CICFlowMeter and {@link FlowCsvWriter}'s default: 24-hour.</li>
 * </ul>
 * Fractions of a second are truncated to milliseconds.
 */
public final class CicTimestamps {

    /** First hour of the CICIDS2017 capture day; earlier hours on the AM/PM-less clock are PM. */
    public static final int FIRST_CAPTURE_HOUR = 8;

    private CicTimestamps() {}

    /**
     * Epoch milliseconds (UTC) of a CICFlowMeter timestamp.
     *
     * @throws IllegalArgumentException when the text matches none of the supported spellings
     */
    public static long parseUtcMillis(String text) {
        if (text == null) {
            throw new IllegalArgumentException("timestamp is null");
        }
        String s = text.trim();
        try {
            if (s.indexOf('/') > 0) {
                return parseDayFirst(s);
            }
            if (s.length() >= 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
                return parseIso(s);
            }
        } catch (DateTimeException | IndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("unparsable timestamp '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("unparsable timestamp '" + text
                + "' (expected d/m/yyyy h:mm[:ss][ AM|PM] or yyyy-MM-dd HH:mm:ss[.SSSSSS])");
    }

    private static long parseDayFirst(String s) {
        Cursor c = new Cursor(s);
        int day = c.number(1, 2);
        c.expect('/');
        int month = c.number(1, 2);
        c.expect('/');
        int year = c.number(4, 4);
        c.spaces(true);
        int hour = c.number(1, 2);
        c.expect(':');
        int minute = c.number(2, 2);
        int second = 0;
        int millis = 0;
        if (c.peek() == ':') {
            c.expect(':');
            second = c.number(2, 2);
            if (c.peek() == '.') {
                c.expect('.');
                millis = c.fractionMillis();
            }
        }
        c.spaces(false);
        if (!c.atEnd()) {
            String marker = c.rest().trim();
            boolean pm;
            if (marker.equalsIgnoreCase("PM")) {
                pm = true;
            } else if (marker.equalsIgnoreCase("AM")) {
                pm = false;
            } else {
                throw new IllegalArgumentException("unexpected '" + marker + "' after the time");
            }
            if (hour < 1 || hour > 12) {
                throw new IllegalArgumentException("hour " + hour + " with " + marker);
            }
            hour = hour % 12 + (pm ? 12 : 0);
        } else if (hour >= 1 && hour < FIRST_CAPTURE_HOUR) {
            hour += 12; // CICIDS2017's 12-hour clock without AM/PM
        }
        return epochMillis(year, month, day, hour, minute, second, millis);
    }

    private static long parseIso(String s) {
        Cursor c = new Cursor(s);
        int year = c.number(4, 4);
        c.expect('-');
        int month = c.number(2, 2);
        c.expect('-');
        int day = c.number(2, 2);
        if (c.peek() == 'T') {
            c.expect('T');
        } else {
            c.spaces(true);
        }
        int hour = c.number(2, 2);
        c.expect(':');
        int minute = c.number(2, 2);
        int second = 0;
        int millis = 0;
        if (c.peek() == ':') {
            c.expect(':');
            second = c.number(2, 2);
            if (c.peek() == '.') {
                c.expect('.');
                millis = c.fractionMillis();
            }
        }
        if (c.peek() == 'Z') {
            c.expect('Z');
        }
        if (!c.atEnd()) {
            throw new IllegalArgumentException("unexpected '" + c.rest() + "' after the time");
        }
        return epochMillis(year, month, day, hour, minute, second, millis);
    }

    private static long epochMillis(int year, int month, int day, int hour, int minute, int second, int millis) {
        if (hour > 23 || minute > 59 || second > 59) {
            throw new IllegalArgumentException("time out of range " + hour + ":" + minute + ":" + second);
        }
        long days = LocalDate.of(year, month, day).toEpochDay(); // validates the date
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** Formats epoch ms as {@code yyyy-MM-dd HH:mm:ss.SSS} (UTC), which this class parses back. */
    public static String formatIso(long epochMillis) {
        var t = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
                (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%03d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
    }

    /**
     * Formats epoch ms as CICFlowMeter V4 writes timestamps, {@code dd/MM/yyyy hh:mm:ss AM|PM} (UTC;
     * second resolution), which {@link #parseUtcMillis} reads back to the second at any hour. (The
     * published CICIDS2017 files dropped the AM/PM and the seconds; that spelling round-trips only for
     * times within 08:00-19:59 and is not written.)
     */
    public static String formatCicFlowMeter(long epochMillis) {
        var t = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0, ZoneOffset.UTC);
        int h12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return String.format("%02d/%02d/%04d %02d:%02d:%02d %s", t.getDayOfMonth(), t.getMonthValue(), t.getYear(),
                h12, t.getMinute(), t.getSecond(), t.getHour() < 12 ? "AM" : "PM");
    }

    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        boolean atEnd() {
            return i >= s.length();
        }

        String rest() {
            return s.substring(i);
        }

        void expect(char ch) {
            if (peek() != ch) {
                throw new IllegalArgumentException("expected '" + ch + "' at position " + i);
            }
            i++;
        }

        void spaces(boolean required) {
            int start = i;
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
            if (required && i == start) {
                throw new IllegalArgumentException("expected a space at position " + start);
            }
        }

        int number(int minDigits, int maxDigits) {
            int start = i;
            int v = 0;
            while (i < s.length() && i - start < maxDigits && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i - start < minDigits) {
                throw new IllegalArgumentException("expected " + minDigits + ".." + maxDigits
                        + " digits at position " + start);
            }
            return v;
        }

        int fractionMillis() {
            int start = i;
            int v = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start < 3) {
                    v = v * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int digits = i - start;
            if (digits == 0) {
                throw new IllegalArgumentException("expected fraction digits at position " + start);
            }
            for (int d = digits; d < 3; d++) {
                v *= 10;
            }
            return v;
        }
    }
}
