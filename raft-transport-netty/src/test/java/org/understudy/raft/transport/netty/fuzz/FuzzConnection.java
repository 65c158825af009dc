package org.understudy.raft.transport.netty.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Sends one {@link FuzzInput.Plan} over a blocking socket and then only reads, until the server
 * closes the connection (end of stream, or a reset because it closed with bytes unread) or
 * {@code patienceMillis} pass. The fuzz client never closes first, so a close it sees is the
 * server's.
 *
 * <p>Each connection comes from its own loopback address ({@code 127.1.x.y}, derived from the
 * plan's index) where the system allows it (Linux routes all of 127/8 to loopback), so the
 * server's log line for it can be told apart from every other one even when the OS reuses a
 * client port; elsewhere it falls back to 127.0.0.1.
 */
final class FuzzConnection {
    /** What happened; {@code source} ("ip:port") is how the server's log names this connection. */
    record Outcome(int index, FuzzInput.Port port, FuzzInput.Kind kind, int bytes, String source,
            boolean closedByServer, long millis, String how) {
        @Override
        public String toString() {
            return kind + " #" + index + " to " + port + " from " + source + " (" + bytes + " bytes): " + how;
        }
    }

    private FuzzConnection() {}

    static Outcome run(FuzzInput.Plan plan, String host, int patienceMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            bindSource(socket, plan.index());
            socket.connect(new InetSocketAddress(host, plan.port().port()), 5_000);
            socket.setSoTimeout(patienceMillis);
            String source = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
            start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(plan.bytes());
                out.flush();
            } catch (IOException closedWhileWriting) {
                return outcome(plan, source, true, start, "write failed: " + closedWhileWriting);
            }
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            try {
                while (in.read(sink) >= 0) {
                    // answers (a refusal, a handshake reply) are read and ignored
                }
                return outcome(plan, source, true, start, "end of stream");
            } catch (SocketTimeoutException stillOpen) {
                return outcome(plan, source, false, start, "still open after " + patienceMillis + " ms");
            } catch (IOException reset) {
                return outcome(plan, source, true, start, "read failed: " + reset);
            }
        } catch (IOException e) {
            return outcome(plan, "?", false, start, "could not connect: " + e);
        }
    }

    private static void bindSource(Socket socket, int index) throws IOException {
        byte[] address = {127, 1, (byte) (index / 250), (byte) (1 + index % 250)};
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(address), 0));
        } catch (BindException notLoopbackHere) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
    }

    private static Outcome outcome(FuzzInput.Plan plan, String source, boolean closed, long start, String how) {
        return new Outcome(plan.index(), plan.port(), plan.kind(), plan.bytes().length, source, closed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), how);
    }
}
