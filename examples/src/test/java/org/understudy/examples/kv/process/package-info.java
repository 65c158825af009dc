/**
 * raft-kv's multi-process tests (issue 7): real {@code raft-kv server} JVMs, driven over HTTP.
 *
 * <h2>Multi-process tests</h2>
 * <p><b>What runs.</b> {@link org.understudy.examples.kv.process.ProcessCluster} starts each member
 * as its own JVM ({@code java -cp <test classpath> org.understudy.examples.kv.cli.RaftKvMain server
 * ...}, with this JVM's Chronicle flags; the shaded jar does not exist yet when surefire runs) on
 * loopback ports from the OS, with a data dir per member under a JUnit temp dir, which is kept when a test
 * fails (each member's stdout and stderr — its log — are the {@code NAME-RUN.out}/{@code .err}
 * files next to the data dirs).
 * Members are killed with SIGKILL ({@code kill -9}); every process is killed when its test ends, and
 * a shutdown hook kills any left if the test JVM dies. The tests talk to the servers with
 * {@code java.net.http.HttpClient} per RAFT-KV.md, and run {@code ctl} in the test JVM.
 * <ul>
 *   <li>{@code ThreeMemberClusterTest}: writes through every member (followers forward),
 *       linearizable and serializable reads, CAS and delete on every member (~6 s);
 *   <li>{@code LearnerWorkflowTest}: {@code ctl member add} → early promote refused with
 *       {@code LEARNER_NOT_READY} and its lag → start with {@code existing} → catch-up through a
 *       snapshot, learner refuses writes → promote → a voter (~10 s);
 *   <li>{@code MemberRestartTest}: {@code kill -9} of a follower, writes while it is down,
 *       restart on the same command line: it resumes as the same member and catches up (~10 s);
 *   <li>{@code LeaderChangeTest}: {@code kill -9} of the leader during a stream of writes; every
 *       write answered 200 is readable from the survivors (~8 s);
 *   <li>{@code WholeClusterRestartTest}: the whole cluster killed mid-stream and restarted loses
 *       no acknowledged write, with {@code --storage chronicle} and {@code mapdb} (~12 s each);
 *   <li>{@code ForceNewClusterTest}: two of three members lost for good ({@code kill -9}); the
 *       survivor restarted with {@code --force-new-cluster} leads alone with all it had applied,
 *       takes writes, resumes without the flag, and takes a new member (~20 s);
 *   <li>{@code TlsClusterTest}: three members with {@code --tls-*}: client URLs published and
 *       writes forwarded over https, reads through every member with {@code ctl --cacert}; plain
 *       HTTP gets the connection closed; {@code ctl} without {@code --cacert} or with another CA
 *       fails with a code and a sentence (~10 s);
 *   <li>{@code BadHttpRequestsTest}: unknown route, bad JSON, missing fields, bad parameters, a
 *       body over 1 MiB, non-HTTP bytes get 4xx JSON errors and the server keeps serving (~3 s);
 *   <li>{@code BadCliFlagsTest}: {@code server --bogus} and a bare {@code ctl} exit 2 with usage; a
 *       server whose client port is taken says why and exits 1 (~2 s);
 *   <li>{@code BenchTest}: {@code raft-kv bench} closed-loop over the binary protocol as its own JVM
 *       (3 s), then fixed-rate over HTTP in the test JVM (2 s): no errors, timeouts or unknown
 *       outcomes in the JSON line, and every key written reads back (~15 s).
 * </ul>
 *
 * <p><b>How long.</b> About 105 s for the package on a two-core machine (each member JVM starts in
 * 1–3 s); they run with the module's other tests in {@code mvn verify}.
 *
 * <p><b>How to run them.</b> After {@code mvn -B install -DskipTests} at the root:
 * <pre>
 * mvn -B verify -pl examples -Dtest='org.understudy.examples.kv.process.*Test'   # the package
 * mvn -B verify -pl examples -Dtest=LeaderChangeTest                              # one test
 * mvn -B verify -pl examples -Dtest=LeaderChangeTest -Draftkv.seed=123            # replay a seed
 * </pre>
 * Tests that choose at random (which follower dies, which member each write goes to) print their
 * seed as {@code [process-tests] ... seed N}; pass it back with {@code -Draftkv.seed=N}. Surefire
 * hands system properties to the test JVM, which reads it with {@link Long#getLong}.
 */
package org.understudy.examples.kv.process;
