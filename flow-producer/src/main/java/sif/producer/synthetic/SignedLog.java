package sif.producer.synthetic;

/** The signed log1p transform the profiles are fitted in, and its inverse. */
final class SignedLog {
    private SignedLog() {}

    static double forward(double x) {
        return Math.signum(x) * Math.log1p(Math.abs(x));
    }

    static double inverse(double y) {
        return Math.signum(y) * Math.expm1(Math.abs(y));
    }
}
