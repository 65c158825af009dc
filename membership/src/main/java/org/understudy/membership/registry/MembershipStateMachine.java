package org.understudy.membership.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.RegistryImage;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.runtime.StartMode;
import org.understudy.raft.spi.StateMachine;

/**
 * Wraps the user's {@link StateMachine} and keeps the {@link MemberRegistry} beside it, so that
 * the registry is replicated, snapshotted and restored with the log like any other state.
 *
 * <ul>
 *   <li>{@link #apply} forwards to the user's state machine;</li>
 *   <li>{@link #applyConfChange} folds the change into the registry, publishes it, forwards the
 *       change to the user's state machine, then tells the listeners;</li>
 *   <li>{@link #snapshot} writes a {@link RegistrySnapshotHeader} (the registry image), then the
 *       user's snapshot; {@link #restore} reads both back, handing the user's state machine the
 *       very same stream.</li>
 * </ul>
 *
 * <h2>Bootstrap and restart</h2>
 * How a node begins depends on its storage, exactly as for a {@code RaftNode}:
 * <ul>
 *   <li>a founder on empty storage: the node writes its founding snapshot from this state machine
 *       before anything else, so the registry given here (see {@link #forStart}) becomes the
 *       registry at index 1 of every founder — founders must be given the same records;</li>
 *   <li>a joiner: starts with {@link MemberRegistry#empty()} and receives the leader's snapshot
 *       (with its registry) before any entry, since the log starts after the founding snapshot;</li>
 *   <li>a restart: the node restores the newest snapshot (replacing whatever this object was
 *       created with) and re-applies the committed changes after it.</li>
 * </ul>
 * So every node ends with the registry that the snapshots and the log describe.
 *
 * <h2>Threads</h2>
 * The node calls every {@link StateMachine} method from its apply thread; {@link #registry()} may
 * be read from any thread (a volatile field). Listeners run on the apply thread: they must be quick
 * and must not wait for the node (hand work to another thread).
 *
 * @param <R> the user's command result
 */
public final class MembershipStateMachine<R> implements StateMachine<R> {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipStateMachine.class);

    private final StateMachine<R> user;
    private final List<Consumer<MemberRegistry>> listeners = new CopyOnWriteArrayList<>();
    private volatile MemberRegistry registry;
    private volatile long malformedContexts;

    /**
     * A state machine whose registry is empty until a snapshot is restored: for a joiner or a
     * restart. Not for a founder's first start, whose founding snapshot would then hold an empty
     * registry: use {@link #forStart} (every founder must build its registry the same way, or the
     * founders' registries differ).
     */
    public MembershipStateMachine(StateMachine<R> user) {
        this(user, MemberRegistry.empty());
    }

    /** A state machine starting from {@code initial} (e.g. {@link MemberRegistry#bootstrap}). */
    public MembershipStateMachine(StateMachine<R> user, MemberRegistry initial) {
        this.user = Objects.requireNonNull(user, "user");
        this.registry = Objects.requireNonNull(initial, "initial");
    }

    /**
     * The state machine for a node started with {@code mode}: a founder's holds the founding
     * configuration with {@code founderRecords} (founders without a record get a bare one), a
     * joiner's is empty. On a restart the mode is irrelevant: the snapshot replaces the registry.
     *
     * @throws IllegalArgumentException for a record of a node that is not a founder
     */
    public static <R> MembershipStateMachine<R> forStart(StateMachine<R> user, StartMode mode,
            List<Member> founderRecords) {
        if (mode instanceof StartMode.Found found) {
            ConfState founding = ConfState.newBuilder().addAllVoters(found.voters())
                    .addAllLearners(found.learners()).build();
            return new MembershipStateMachine<>(user, MemberRegistry.bootstrap(founding, founderRecords));
        }
        if (!founderRecords.isEmpty()) {
            throw new IllegalArgumentException("a joining node gets its records from the leader's snapshot;"
                    + " founder records are only for StartMode.Found");
        }
        return new MembershipStateMachine<>(user);
    }

    /** The registry as of the last applied change or restored snapshot. Any thread. */
    public MemberRegistry registry() {
        return registry;
    }

    /** The wrapped state machine. */
    public StateMachine<R> user() {
        return user;
    }

    /** How many malformed record contexts this node applied since it started (a local count). */
    public long malformedContexts() {
        return malformedContexts;
    }

    /** Calls {@code listener} with each new registry, on the apply thread. */
    public void addListener(Consumer<MemberRegistry> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Consumer<MemberRegistry> listener) {
        listeners.remove(listener);
    }

    @Override
    public R apply(Entry entry) {
        return user.apply(entry);
    }

    @Override
    public void applyConfChange(long index, ConfChange change, ConfState result) {
        registry = registry.apply(index, change, result, problem -> malformedContexts++);
        user.applyConfChange(index, change, result);
        publish();
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        RegistrySnapshotHeader.write(out, registry.image());
        user.snapshot(out);
    }

    /**
     * Reads the registry header, then lets the user's state machine restore from the rest of the
     * stream.
     *
     * @throws IOException for a snapshot without the membership header, a truncated or corrupt
     *     header, or a registry image this version can not read (the node then refuses the
     *     snapshot rather than run with a registry that differs from the others')
     */
    @Override
    public void restore(InputStream in) throws IOException {
        RegistryImage image = RegistrySnapshotHeader.read(in);
        MemberRegistry restored;
        try {
            restored = MemberRegistry.fromImage(image);
        } catch (RegistryImageException e) {
            throw new IOException("membership snapshot refused: " + e.getMessage(), e);
        }
        user.restore(in);
        registry = restored;
        publish();
    }

    private void publish() {
        MemberRegistry now = registry;
        for (Consumer<MemberRegistry> l : listeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                LOG.warn("membership: a registry listener failed at configuration index {}", now.confIndex(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "MembershipStateMachine{" + registry + ", user=" + user + "}";
    }
}
