package org.understudy.raft.storage.chronicle;

import org.understudy.raft.spi.kit.KillNineCrashKit;

/**
 * Synced writes survive kill -9 of a JVM writing through the Chronicle engine (see
 * {@link KillNineCrashKit}); the child inherits this module's Chronicle JVM flags.
 */
class ChronicleKillNineCrashTest extends KillNineCrashKit {

    @Override
    protected String engineClassName() {
        return ChronicleStorageEngine.class.getName();
    }
}
