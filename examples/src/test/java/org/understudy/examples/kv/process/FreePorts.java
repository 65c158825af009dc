package org.understudy.examples.kv.process;

import org.understudy.examples.kv.node.TestPorts;

/**
 * Loopback ports for members' {@code --listen-peer} and {@code --listen-client}
 * ({@link TestPorts#free()}: free when picked, below the ephemeral range, never the same twice in a
 * JVM). Not reserved: another process may still take one, so {@link ProcessCluster} retries a start
 * that failed to bind.
 */
final class FreePorts {
    private FreePorts() {}

    static int pick() {
        return TestPorts.free();
    }
}
