package org.understudy.raft.spi.kit;

/**
 * The crash kit end to end in raft-core: child JVMs, SIGKILL, reopen, against the test-only
 * {@link JournalFileStorageEngine}. It shows the kit runs here as it will in the engine modules,
 * and that a store whose syncs are honest passes it.
 */
class JournalFileKillNineCrashTest extends KillNineCrashKit {

    @Override
    protected String engineClassName() {
        return JournalFileStorageEngine.class.getName();
    }
}
