package org.understudy.examples.kv.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A loopback port the OS says is free: bind {@code 127.0.0.1:0}, note the port, close. Nothing
 * reserves it afterwards, so another process may take it before the server binds it; the server
 * then fails with "cannot listen" and {@link LocalCluster} starts it again on new ports.
 */
public final class FreePort {
    private FreePort() {}

    /** A port on 127.0.0.1 that was free a moment ago. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot get a free port on 127.0.0.1 from the OS", e);
        }
    }
}
