package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void fifteenCanonicalLabels() {
        assertEquals(15, Labels.ALL.size());
        for (String l : Labels.ALL) {
            assertEquals(l, Labels.canonical(l));
        }
    }

    @Test
    void everyDashSpellingSpacingAndCase() {
        byte[] mojibakeSource = "Web Attack \u2013 XSS".getBytes(StandardCharsets.UTF_8);
        List<String> variants = List.of(
                "Web Attack \u0096 XSS",                  // 0x96 read as ISO-8859-1
                "Web Attack \u2013 XSS",                  // en-dash
                "Web Attack - XSS",
                "web attack -xss",
                "  WEB  ATTACK \u2014 xss ",
                "Web Attack \ufffd XSS",
                new String(mojibakeSource, StandardCharsets.ISO_8859_1), // UTF-8 en-dash read as latin-1
                new String("Web Attack \u0096 XSS".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                // the same two mistakes decoded as windows-1252 (Excel's default on Windows)
                new String(mojibakeSource, java.nio.charset.Charset.forName("windows-1252")),
                new String("Web Attack \u0096 XSS".getBytes(StandardCharsets.UTF_8),
                        java.nio.charset.Charset.forName("windows-1252")),
                new String("Web Attack \u2014 XSS".getBytes(StandardCharsets.UTF_8),
                        java.nio.charset.Charset.forName("windows-1252")));
        for (String v : variants) {
            assertEquals(Labels.WEB_XSS, Labels.canonical(v), Labels.printable(v));
        }
        assertEquals(Labels.WEB_SQL_INJECTION, Labels.canonical("Web Attack \u0096 Sql Injection"));
        assertEquals(Labels.WEB_BRUTE_FORCE, Labels.canonical("Web Attack \u00e2\u0080\u0093 Brute Force"));
        assertEquals(Labels.FTP_PATATOR, Labels.canonical("ftp-patator"));
        assertEquals(Labels.DOS_SLOWHTTPTEST, Labels.canonical("DoS Slowhttptest"));
        assertEquals(Labels.INFILTRATION, Labels.canonical("Infilteration"));
        assertEquals(Labels.BENIGN, Labels.canonical(" benign "));
    }

    @Test
    void unknownLabelFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.canonical("Botnet ARES"));
        assertTrue(e.getMessage().contains("unknown CICIDS2017 label 'Botnet ARES'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Labels.canonical(null));
        assertFalse(Labels.isKnown("NeedManualLabel"));
        assertFalse(Labels.isKnown("DoS"));
    }
}
