/** A durable {@code LogStorage} and {@code SnapshotStore} on Chronicle Queue. */
package org.understudy.raft.storage.chronicle;
