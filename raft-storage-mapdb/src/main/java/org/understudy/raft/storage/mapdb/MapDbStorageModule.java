package org.understudy.raft.storage.mapdb;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.understudy.raft.spi.StorageEngine;

/** Binds the {@code "mapdb"} engine into a Dagger {@code Map<String, StorageEngine>}. */
@Module
public final class MapDbStorageModule {

    private MapDbStorageModule() {}

    @Provides
    @IntoMap
    @StringKey(MapDbStorageEngine.NAME)
    static StorageEngine mapDbStorageEngine() {
        return new MapDbStorageEngine();
    }
}
