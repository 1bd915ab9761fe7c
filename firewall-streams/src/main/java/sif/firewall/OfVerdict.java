package sif.firewall;

/**
 * A value derived from a decided flow's verdict, past the policy (e.g. a blocklist command). A step
 * that fails on it fails on a flow that already has its verdict: the processing handler counts and
 * logs the failure and sends nothing to the dead-letter topic ({@link DlqExceptionHandlers.Processing}).
 */
public interface OfVerdict {

    /** The flow id of the verdict this value comes from, or null when it comes from no verdict. */
    String verdictFlowId();
}
