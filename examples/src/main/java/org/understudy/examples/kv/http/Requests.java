package org.understudy.examples.kv.http;

import java.util.Set;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/** Checks shared by routes. */
final class Requests {
    private Requests() {}

    /**
     * Routes that take no body refuse one (blank bodies pass): a body sent to them is a client that
     * means something else, e.g. a value sent with GET instead of PUT.
     */
    static void requireNoBody(KvHttpRequest request) {
        for (byte b : request.body()) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                throw new KvException(KvErrorCode.BAD_REQUEST, request.method() + " on this route takes no body");
            }
        }
    }

    /** For routes that take neither query parameters nor a body. */
    static void requireNoQueryNoBody(KvHttpRequest request) {
        QueryParams.parse(request.rawQuery(), Set.of());
        requireNoBody(request);
    }
}
