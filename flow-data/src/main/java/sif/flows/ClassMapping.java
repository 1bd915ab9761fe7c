package sif.flows;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How CICIDS2017 labels group into model classes. The class list is fixed by the mapping, never
 * taken from the data, so a model trained on a subset still knows every class.
 *
 * <ul>
 *   <li>{@link #FIVE} (the paper's): BENIGN, DDoS, DoS (Hulk, GoldenEye, slowloris,
 *       Slowhttptest), PortScan, Other (Bot, FTP-Patator, SSH-Patator, the three web attacks,
 *       Infiltration, Heartbleed).</li>
 *   <li>{@link #FIFTEEN}: the 15 original labels, in {@link Labels#ALL} order.</li>
 * </ul>
 */
public enum ClassMapping {

    FIVE(List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other")) {
        @Override
        int indexOfCanonical(String label) {
            return switch (label) {
                case Labels.BENIGN -> 0;
                case Labels.DDOS -> 1;
                case Labels.DOS_HULK, Labels.DOS_GOLDENEYE, Labels.DOS_SLOWLORIS, Labels.DOS_SLOWHTTPTEST -> 2;
                case Labels.PORTSCAN -> 3;
                default -> 4;
            };
        }
    },

    FIFTEEN(Labels.ALL) {
        @Override
        int indexOfCanonical(String label) {
            return Labels.ALL.indexOf(label);
        }
    };

    private final List<String> classes;
    private final Map<String, Integer> byClassName = new HashMap<>();

    ClassMapping(List<String> classes) {
        this.classes = List.copyOf(classes);
        for (int i = 0; i < this.classes.size(); i++) {
            byClassName.put(this.classes.get(i), i);
        }
    }

    abstract int indexOfCanonical(String canonicalLabel);

    /** The class names, index = class id. Fixed by the mapping. */
    public List<String> classes() {
        return classes;
    }

    /** Number of classes. */
    public int size() {
        return classes.size();
    }

    /** Name of class {@code index}. */
    public String className(int index) {
        return classes.get(index);
    }

    /**
     * Class index of a raw CICIDS2017 label (any dash encoding, spacing or case).
     *
     * @throws IllegalArgumentException for an unknown label
     */
    public int classOf(String rawLabel) {
        return indexOfCanonical(Labels.canonical(rawLabel));
    }

    /** Class name of a raw label, e.g. {@code FIVE.classNameOf("DoS Hulk")} is {@code "DoS"}. */
    public String classNameOf(String rawLabel) {
        return classes.get(classOf(rawLabel));
    }

    /** Index of a class name of this mapping (exact spelling), or -1. */
    public int indexOfClassName(String className) {
        return byClassName.getOrDefault(className, -1);
    }

    /** {@code "five"} / {@code "fifteen"} (any case) or {@code "5"} / {@code "15"}. */
    public static ClassMapping parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "five", "5" -> FIVE;
            case "fifteen", "15" -> FIFTEEN;
            default -> throw new IllegalArgumentException("unknown class mapping '" + name
                    + "'; expected 5 (five: the paper's classes) or 15 (fifteen: the original labels)");
        };
    }
}
