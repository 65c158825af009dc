package org.understudy.examples.kv.http;

import java.util.Optional;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/** The request headers raft-kv gives a meaning to, beyond HTTP's own. */
public final class KvHttpHeaders {
    /**
     * Set ({@code 1}) on a request one member forwards to the leader. A member never forwards a
     * request carrying it again: if it is not the leader either, the client gets {@code NOT_LEADER}
     * (503) instead of a loop between members with different views of who leads.
     */
    public static final String FORWARDED = "X-Understudy-Forwarded";

    /**
     * Optional on {@code PUT} and {@code DELETE /v1/kv/{key}}: an id of the client's choice
     * (1–128 printable ASCII characters) that makes a retried write apply once; forwarded with the
     * request.
     */
    public static final String REQUEST_ID = "X-Understudy-Request-Id";

    static final int MAX_REQUEST_ID_LENGTH = 128;

    private KvHttpHeaders() {}

    /** Checks a {@link #REQUEST_ID} header value. */
    static Optional<String> requestId(String header) {
        if (header == null) {
            return Optional.empty();
        }
        if (header.isEmpty() || header.length() > MAX_REQUEST_ID_LENGTH) {
            throw new KvException(KvErrorCode.BAD_REQUEST, "header " + REQUEST_ID + " must hold 1 to "
                    + MAX_REQUEST_ID_LENGTH + " characters, got " + header.length());
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new KvException(KvErrorCode.BAD_REQUEST, "header " + REQUEST_ID
                        + " may hold only printable ASCII characters without spaces");
            }
        }
        return Optional.of(header);
    }
}
