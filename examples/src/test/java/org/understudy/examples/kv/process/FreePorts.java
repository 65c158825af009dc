package org.understudy.examples.kv.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports from the OS: bind port 0 on 127.0.0.1, note the port, close. The port is free
 * when picked but not reserved, so a server may still find it taken (by another process, or as the
 * local port of an outgoing connection); {@link ProcessCluster} retries a start that failed to bind.
 * A port is handed out at most once per test JVM, so two members never get the same one.
 */
final class FreePorts {
    private static final Set<Integer> handedOut = new HashSet<>();

    private FreePorts() {}

    static synchronized int pick() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                if (handedOut.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a loopback port to learn a free one", e);
            }
        }
        throw new IllegalStateException("the OS handed out 100 ports already used by this test JVM");
    }
}
