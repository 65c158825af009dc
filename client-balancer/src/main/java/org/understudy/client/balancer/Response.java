package org.understudy.client.balancer;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A successful answer: the payload the server returned, who answered, and how many attempts
 * it took (1 when nothing was retried).
 */
public final class Response {

    private final byte[] payload;
    private final Endpoint endpoint;
    private final String memberId;
    private final int attempts;

    public Response(byte[] payload, Endpoint endpoint, String memberId, int attempts) {
        this.payload = payload.clone();
        this.endpoint = endpoint;
        this.memberId = memberId;
        this.attempts = attempts;
    }

    /** A read-only view of the payload. */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** A copy of the payload. */
    public byte[] payloadBytes() {
        return payload.clone();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** The id of the member that answered, if the member list knew the endpoint. */
    public Optional<String> memberId() {
        return Optional.ofNullable(memberId);
    }

    public int attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "Response(" + payload.length + " bytes from " + memberId + "@" + endpoint + ", attempts=" + attempts + ")";
    }
}
