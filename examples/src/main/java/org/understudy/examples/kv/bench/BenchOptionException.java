package org.understudy.examples.kv.bench;

import java.util.Objects;

/**
 * A {@code raft-kv bench} option that cannot be used: a stable {@link #code()} and a one-line
 * sentence that names the option and what would be accepted. The command prints both and exits 2;
 * there is no stack trace to print (the sentence says everything).
 */
public final class BenchOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What is wrong; the names are the codes printed. */
    public enum Code {
        /** picocli refused the command line itself (unknown option, not a number, missing value). */
        BAD_FLAG,
        BAD_ENDPOINT,
        BAD_MODE,
        BAD_PROTOCOL,
        BAD_CLIENTS,
        /** {@code --mode fixed-rate} without {@code --rate}. */
        RATE_REQUIRED,
        /** {@code --rate} with the closed loop, which has no rate. */
        RATE_WITHOUT_FIXED_RATE,
        BAD_RATE,
        BAD_VALUE_BYTES,
        BAD_READ_RATIO,
        BAD_KEYS,
        BAD_DURATION,
        BAD_WARMUP,
        BAD_TIMEOUT,
        /** {@code --cacert}/{@code --cert}/{@code --key} that do not go together or do not load. */
        BAD_TLS,
        /** The binary protocol's TLS client always presents a certificate: {@code --cert}/{@code --key} needed. */
        RPC_TLS_NEEDS_CLIENT_CERT
    }

    private final Code code;

    public BenchOptionException(Code code, String sentence) {
        super(sentence, null);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    /** {@code CODE: sentence}, as printed. */
    public String line() {
        return code + ": " + getMessage();
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // never printed: the code and sentence say what to fix
    }
}
