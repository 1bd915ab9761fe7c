/**
 * Simulated identity sources for replays of datasets that carry no identity data. Everything in
 * this package is synthetic and documented as such.
 */
package sif.trust.sim;
