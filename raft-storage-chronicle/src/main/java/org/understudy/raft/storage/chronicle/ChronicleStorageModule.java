package org.understudy.raft.storage.chronicle;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.understudy.raft.spi.StorageEngine;

/** Binds the {@code "chronicle"} engine into a Dagger {@code Map<String, StorageEngine>}. */
@Module
public final class ChronicleStorageModule {

    private ChronicleStorageModule() {}

    @Provides
    @IntoMap
    @StringKey(ChronicleStorageEngine.NAME)
    static StorageEngine chronicleStorageEngine() {
        return new ChronicleStorageEngine();
    }
}
