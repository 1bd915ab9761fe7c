package sif.firewall;

import sif.schemas.avro.Verdict;

/** A flow the policy decided: its {@link Verdict}, bound for the allowed, blocked or alerts topic. */
public record Decided(Verdict verdict) implements FirewallEvent {}
