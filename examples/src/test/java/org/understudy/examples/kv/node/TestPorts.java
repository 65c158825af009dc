package org.understudy.examples.kv.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** Free loopback ports, checked with the OS, for the tests of every package. */
public final class TestPorts {
    private static final int LOW_PORTS_START = 20_000;
    private static final int LOW_PORTS_END = 32_000;
    /**
     * Where this JVM starts looking (differs per JVM, so parallel test JVMs rarely probe the same
     * ports); the step 7919 is prime, so the walk visits every port of the span before repeating.
     */
    private static final AtomicInteger NEXT_LOW_PORT = new AtomicInteger((int) (ProcessHandle.current().pid() * 104_729L));

    private TestPorts() {}

    /**
     * A loopback port that is free now, below the kernel's ephemeral range (32768 and up on Linux).
     * A port from {@code bind(0)} comes from that range, and between releasing it here and the
     * member binding it later, an outgoing connection of this JVM (peer dials, HTTP and RPC
     * clients) can take it as its local port: the member then fails with "address in use". Ports
     * below the range are never handed out for outgoing connections, so only another listener can
     * take them; the OS still decides which are free (each candidate is bound once to check).
     */
    public static int free() {
        int span = LOW_PORTS_END - LOW_PORTS_START;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = LOW_PORTS_START + Math.floorMod(NEXT_LOW_PORT.getAndAdd(7919), span);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // taken by another listener: try the next candidate
            }
        }
        try (ServerSocket s = new ServerSocket(0)) { // a crowded machine: fall back to the OS's choice
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
