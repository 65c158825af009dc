package org.understudy.raft.memory;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.understudy.raft.spi.StorageEngine;

/** Binds the {@code "memory"} engine into a Dagger {@code Map<String, StorageEngine>}. */
@Module
public final class MemoryStorageModule {

    private MemoryStorageModule() {}

    @Provides
    @IntoMap
    @StringKey(MemoryStorageEngine.NAME)
    static StorageEngine memoryStorageEngine() {
        return new MemoryStorageEngine();
    }
}
