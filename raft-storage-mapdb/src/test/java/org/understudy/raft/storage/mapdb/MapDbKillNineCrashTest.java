package org.understudy.raft.storage.mapdb;

import org.understudy.raft.spi.kit.KillNineCrashKit;

/** Synced writes survive kill -9 of a JVM writing through the MapDB engine (see {@link KillNineCrashKit}). */
class MapDbKillNineCrashTest extends KillNineCrashKit {

    @Override
    protected String engineClassName() {
        return MapDbStorageEngine.class.getName();
    }
}
