package sif.firewall;

import picocli.CommandLine;

/** Stand-alone entry point of the firewall ({@code java -cp ... sif.firewall.FirewallMain --help}). */
public final class FirewallMain {

    private FirewallMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new FirewallCommand()).execute(args));
    }
}
