package sif.firewall.trust;

import sif.firewall.FlowContext;
import sif.trust.Challenge;

/**
 * Output of {@link ZeroTrustProcessor}: the flow with its identity findings, and the challenge it
 * triggered (null for most flows).
 */
public record TrustedFlow(FlowContext flow, Challenge challenge) {
}
