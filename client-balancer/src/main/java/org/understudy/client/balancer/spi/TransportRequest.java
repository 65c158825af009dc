package org.understudy.client.balancer.spi;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.understudy.client.balancer.RequestKind;

/**
 * What the transport is asked to send: the caller's payload (read-only), the request kind
 * (the server needs it to choose linearizable or serializable handling), the idempotent flag
 * and request id (for server-side deduplication), the attempt number (1 for the first send)
 * and how long this attempt may take.
 */
public record TransportRequest(ByteBuffer payload, RequestKind kind, boolean idempotent,
                               Optional<String> requestId, int attempt, long timeoutMillis) {

    public TransportRequest {
        payload = payload.asReadOnlyBuffer();
    }

    /** A copy of the payload's remaining bytes. */
    public byte[] payloadBytes() {
        return Payloads.copyOf(payload);
    }
}
