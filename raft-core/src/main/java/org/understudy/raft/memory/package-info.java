/**
 * In-memory implementations of the SPIs, for tests, the simulator and single-process experiments:
 * {@link org.understudy.raft.memory.MemoryLogStorage} and
 * {@link org.understudy.raft.memory.MemorySnapshotStore} simulate durability (their
 * {@code crashCopy()} returns only what was synced or committed), and
 * {@link org.understudy.raft.memory.MemoryNetwork} connects
 * {@link org.understudy.raft.memory.MemoryTransport}s inside one JVM with fault hooks
 * (isolate, drop a link, heal). Each passes the conformance kit of its SPI.
 */
package org.understudy.raft.memory;
