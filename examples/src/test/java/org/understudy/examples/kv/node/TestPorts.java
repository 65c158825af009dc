package org.understudy.examples.kv.node;

/** Free loopback ports from the OS, for tests in other packages. */
public final class TestPorts {
    private TestPorts() {}

    public static int free() {
        return TestCluster.freePort();
    }
}
