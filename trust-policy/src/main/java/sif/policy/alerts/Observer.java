package sif.policy.alerts;

/**
 * Who reports the alerts (ECS {@code observer.*}, OCSF {@code metadata.product}).
 *
 * @param name     instance name (e.g. host name of the firewall)
 * @param product  product name
 * @param vendor   vendor name
 * @param version  product version
 */
public record Observer(String name, String product, String vendor, String version) {

    public static Observer defaults(String name, String version) {
        return new Observer(name, "SIF", "SIF project", version);
    }
}
