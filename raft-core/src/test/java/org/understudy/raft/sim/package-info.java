/**
 * The deterministic simulation kit for the pure {@link org.understudy.raft.core.RaftCore} (DESIGN.md
 * §8), exported in raft-core's test-jar.
 *
 * <ul>
 *   <li>{@link org.understudy.raft.sim.SimNode}: one core with in-memory storage, a digest state
 *       machine, snapshots, and Ready handling split in two halves (write / sync-apply-advance) so
 *       Readys can be pipelined and a crash loses exactly what was not synced.
 *   <li>{@link org.understudy.raft.sim.SafetyChecker}: Raft's safety properties checked
 *       incrementally (election safety, log matching, leader completeness, state machine safety,
 *       learners never campaign or count, linearizable read indexes).
 *   <li>{@link org.understudy.raft.sim.Simulation}: a seeded random run (loss, duplication,
 *       reordering, delay, partitions, crash-restart, proposals, membership changes) with a liveness
 *       check at the end; {@code SimulationTest} runs many seeds and prints the command that replays
 *       a failing one: {@code mvn -o -pl raft-core test -Dtest=SimulationTest -Dsim.seed=S
 *       -Dsim.steps=N} (add {@code -Dsim.trace=true} for an event-by-event trace).
 *   <li>{@link org.understudy.raft.sim.Cluster}: a small synchronous cluster for scenario tests
 *       (deliver until quiet, tick rounds, partitions, drop rules, dead addresses, held nodes);
 *       {@code Cluster.Builder.application} runs a real {@link org.understudy.raft.spi.StateMachine}
 *       on every node (through founding, snapshots, installs and restarts, as in a {@code RaftNode})
 *       and {@code Cluster.Builder.observer} lets a test watch what the nodes report.
 * </ul>
 *
 * A seed reproduces a run only with the same code: any change to the core or to the simulator's
 * use of its random source maps seeds to different runs.
 */
package org.understudy.raft.sim;
