package org.understudy.raft.runtime;

import java.util.concurrent.ThreadFactory;

/** Names the node's threads {@code raft-<id>-<role>} so that they are easy to find in a dump. */
final class NamedThreads implements ThreadFactory {
    private final String name;

    NamedThreads(long nodeId, String role) {
        this.name = threadName(nodeId, role);
    }

    static String threadName(long nodeId, String role) {
        return "raft-" + nodeId + "-" + role;
    }

    /** The prefix every thread of node {@code nodeId} has. */
    static String prefix(long nodeId) {
        return "raft-" + nodeId + "-";
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, name);
        // Daemon: a node the application forgot to close must not keep the JVM alive.
        t.setDaemon(true);
        return t;
    }
}
