package org.understudy.examples.kv.http;

import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * Member ids on the wire: hex strings (RAFT-KV.md), never JSON numbers, because ids are 64-bit and
 * JavaScript-style JSON readers lose precision above 2^53.
 */
final class MemberIds {
    private MemberIds() {}

    /**
     * Parses a member id from a path: 1 to 16 hex digits, either case, not zero.
     *
     * @throws KvException {@code BAD_REQUEST} naming the bad text
     */
    static long parse(String hex) {
        boolean valid = !hex.isEmpty() && hex.length() <= 16;
        for (int i = 0; valid && i < hex.length(); i++) {
            valid = Character.digit(hex.charAt(i), 16) >= 0;
        }
        long id = valid ? Long.parseUnsignedLong(hex, 16) : 0;
        if (id == 0) {
            throw new KvException(KvErrorCode.BAD_REQUEST, "member id \"" + truncate(hex)
                    + "\" is not a member id: expected 1 to 16 hex digits, not all zero (as `member list` shows them)");
        }
        return id;
    }

    private static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
