package org.understudy.bench.learner;

/**
 * How a learner benchmark run was set up, for the report's header and JSON line.
 *
 * @param machine one line about the machine (cores, memory, OS, Java)
 * @param logMib the log filled before the learner is added, in MiB of values
 * @param fillWindow writes in flight while the log is filled
 * @param clients closed-loop clients of the write load during the phases (0: no load)
 * @param rate their pace in writes per second together (0: unpaced)
 * @param serverHeap each raft-kv JVM's {@code -Xmx}
 * @param workDirFileSystem the file system the members' data dirs are on
 */
record RunInfo(String machine, int logMib, int keys, int entryBytes, int fillWindow, int clients, int rate, int steadySeconds,
        int settleSeconds, long seed, String serverHeap, String workDirFileSystem) {}
