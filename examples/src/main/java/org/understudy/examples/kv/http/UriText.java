package org.understudy.examples.kv.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;

/**
 * Percent-decoding of URI parts, strict: a broken escape or bytes that are not UTF-8 are a
 * {@code BAD_REQUEST} (keys are UTF-8 strings; silently replacing bad bytes would make two
 * different requests address the same key). In paths {@code +} is a plus sign; in queries a space.
 */
final class UriText {
    private UriText() {}

    /** Decodes a path part such as a key; {@code what} names it in the error message. */
    static String decodePath(String raw, String what) {
        return decode(raw, false, what);
    }

    /** Decodes a query parameter's name or value. */
    static String decodeQuery(String raw, String what) {
        return decode(raw, true, what);
    }

    private static String decode(String raw, boolean plusIsSpace, String what) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return requireUtf8(raw.getBytes(StandardCharsets.UTF_8), what);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw bad(what, "has a '%' not followed by two hex digits");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(what, "has a '%' not followed by two hex digits");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return requireUtf8(bytes.toByteArray(), what);
    }

    private static String requireUtf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(what, "is not valid UTF-8 once percent-decoded");
        }
    }

    /**
     * Re-encodes a raw path or query so that {@link java.net.URI#create} accepts it when the
     * request is forwarded: characters a URI may hold stay as sent (so existing escapes are kept),
     * anything else is percent-encoded as UTF-8.
     */
    static String escapeForUri(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?%".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static KvException bad(String what, String problem) {
        return new KvException(KvErrorCode.BAD_REQUEST, what + " " + problem);
    }
}
