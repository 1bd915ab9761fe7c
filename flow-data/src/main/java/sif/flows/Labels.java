package sif.flows;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The 15 labels of CICIDS2017 and their normalisation.
 *
 * <p>Published copies spell the web-attack dash in several ways: the original cp1252 byte 0x96
 * (read as ISO-8859-1 it is U+0096), that character re-encoded as UTF-8 ({@code \xc2\x96}), a real
 * en-dash U+2013 ({@code \xe2\x80\x93}), either of those mis-decoded as ISO-8859-1 (mojibake such as
 * {@code "â\u0080\u0093"}), a replacement character U+FFFD, or a plain {@code '-'}. {@link
 * #canonical(String)} maps all of them, any spacing and any case, to the canonical spelling with a
 * real en-dash, e.g. {@code "Web Attack – Brute Force"}.
 */
public final class Labels {

    public static final String BENIGN = "BENIGN";
    public static final String DDOS = "DDoS";
    public static final String DOS_HULK = "DoS Hulk";
    public static final String DOS_GOLDENEYE = "DoS GoldenEye";
    public static final String DOS_SLOWLORIS = "DoS slowloris";
    public static final String DOS_SLOWHTTPTEST = "DoS Slowhttptest";
    public static final String PORTSCAN = "PortScan";
    public static final String BOT = "Bot";
    public static final String FTP_PATATOR = "FTP-Patator";
    public static final String SSH_PATATOR = "SSH-Patator";
    public static final String WEB_BRUTE_FORCE = "Web Attack \u2013 Brute Force";
    public static final String WEB_XSS = "Web Attack \u2013 XSS";
    public static final String WEB_SQL_INJECTION = "Web Attack \u2013 Sql Injection";
    public static final String INFILTRATION = "Infiltration";
    public static final String HEARTBLEED = "Heartbleed";

    /** The 15 canonical labels, in a fixed order (BENIGN first). */
    public static final List<String> ALL = List.of(
            BENIGN, DDOS, DOS_HULK, DOS_GOLDENEYE, DOS_SLOWLORIS, DOS_SLOWHTTPTEST, PORTSCAN, BOT,
            FTP_PATATOR, SSH_PATATOR, WEB_BRUTE_FORCE, WEB_XSS, WEB_SQL_INJECTION, INFILTRATION,
            HEARTBLEED);

    private static final Map<String, String> BY_KEY = new HashMap<>();
    private static final Map<String, String> EXACT = new HashMap<>();

    static {
        for (String label : ALL) {
            BY_KEY.put(key(label), label);
            EXACT.put(label, label);
        }
        // the misspelling used by CIC's own later releases (CSE-CIC-IDS2018) and some re-uploads
        BY_KEY.put(key("Infilteration"), INFILTRATION);
    }

    private Labels() {}

    /**
     * The canonical spelling of a CICIDS2017 label.
     *
     * @throws IllegalArgumentException if {@code raw} is null or not one of the 15 labels
     */
    public static String canonical(String raw) {
        return find(raw).orElseThrow(() -> new IllegalArgumentException(
                "unknown CICIDS2017 label '" + printable(raw) + "'; known labels: " + ALL));
    }

    /** The canonical spelling, or empty when {@code raw} is null or not a known label. */
    public static Optional<String> find(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String exact = EXACT.get(raw); // fast path for rows already spelled canonically
        return Optional.ofNullable(exact != null ? exact : BY_KEY.get(key(raw)));
    }

    /** True when {@code raw} names one of the 15 labels (in any dash encoding, spacing or case). */
    public static boolean isKnown(String raw) {
        return find(raw).isPresent();
    }

    /**
     * Normalisation key: every dash spelling becomes a space, runs of whitespace collapse, lower
     * case. {@code "Web Attack \u0096 XSS"} and {@code "web attack - xss"} share a key.
     */
    static String key(String raw) {
        String s = raw
                .replace("\u00e2\u0080\u0093", " ") // UTF-8 en-dash read as ISO-8859-1
                .replace("\u00e2\u0080\u0094", " ") // UTF-8 em-dash read as ISO-8859-1
                .replace("\u00e2\u20ac\u201c", " ") // UTF-8 en-dash read as windows-1252 (E2 80 93)
                .replace("\u00e2\u20ac\u201d", " ") // UTF-8 em-dash read as windows-1252 (E2 80 94)
                .replace("\u00c2\u0096", " ")       // UTF-8 of U+0096 read as ISO-8859-1
                .replace("\u00c2\u2013", " ")       // UTF-8 of U+0096 read as windows-1252 (C2 96)
                .replace("\u00ef\u00bf\u00bd", " "); // UTF-8 of U+FFFD read as ISO-8859-1 or windows-1252
        StringBuilder out = new StringBuilder(s.length());
        boolean space = true; // drops leading whitespace
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean separator = Character.isWhitespace(c) || c == '\u00a0' || c == '\ufeff'
                    || c == '-' || c == '\u0096' || c == '\u0097' || c == '\u2010' || c == '\u2011'
                    || c == '\u2012' || c == '\u2013' || c == '\u2014' || c == '\u2212' || c == '\ufffd'
                    || c == '_';
            if (separator) {
                if (!space) {
                    out.append(' ');
                    space = true;
                }
            } else {
                out.append(Character.toLowerCase(c));
                space = false;
            }
        }
        int len = out.length();
        if (len > 0 && out.charAt(len - 1) == ' ') {
            out.setLength(len - 1);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    static String printable(String raw) {
        if (raw == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
