package org.understudy.client.balancer;

/**
 * One send of a request to one endpoint, as recorded in a {@link BalancerException}: where it
 * went, what came back ({@code outcome} is {@code OK}, a server code such as {@code NOT_LEADER},
 * or {@code NOT_SENT}, {@code AMBIGUOUS}, {@code TIMEOUT}), and how long it took.
 *
 * @param probe the endpoint's circuit was open and this attempt was its one half-open probe
 */
public record Attempt(int number, Endpoint endpoint, String memberId, String outcome, String detail,
                      long startedAtMillis, long tookMillis, boolean probe) {

    @Override
    public String toString() {
        return "#" + number + " " + (memberId != null ? memberId + "@" : "") + endpoint + " " + outcome
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")") + " in " + tookMillis + " ms"
                + (probe ? " [probe]" : "");
    }
}
