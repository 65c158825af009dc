package org.understudy.examples.kv.bench;

import java.util.Locale;

/** Which of a member's client protocols the load goes over ({@code --protocol}). */
public enum BenchProtocol {
    /** The binary protocol of the Java client ({@code RpcClientTransport}): one multiplexed connection per member. */
    RPC("rpc"),
    /** The HTTP/JSON API ({@code HttpClientTransport}), as curl or ctl use it. */
    HTTP("http");

    private final String flag;

    BenchProtocol(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** @throws BenchOptionException {@code BAD_PROTOCOL} for anything but {@code rpc} or {@code http} */
    public static BenchProtocol parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (BenchProtocol p : values()) {
            if (p.flag.equals(t)) {
                return p;
            }
        }
        throw new BenchOptionException(BenchOptionException.Code.BAD_PROTOCOL,
                "--protocol must be rpc or http, not '" + text + "'");
    }
}
