package org.understudy.membership.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.membership.proto.Member;
import org.understudy.membership.proto.MembershipChange;
import org.understudy.membership.proto.RegistryImage;
import org.understudy.raft.core.Bootstrap;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

/**
 * The cluster's member records, as a pure fold of the applied configuration changes (issue 5:
 * "the log is the registry"). Immutable; every node that applied the same changes, entry by entry
 * or through a snapshot, holds an equal registry.
 *
 * <p>Records ride in {@code ConfChange.context} as a {@link MembershipChange}. {@link #apply}
 * upserts and removes records, then keeps exactly the members of the resulting Raft configuration:
 * <ul>
 *   <li>a member of the configuration without a record gets a bare one named {@code node-<id>}
 *       (the founders of a cluster started without records, a change made without a context);</li>
 *   <li>a record for a node outside the configuration is dropped (a member leaves the registry
 *       with the change that takes it out of the configuration);</li>
 *   <li>a removal of a node that the configuration still holds keeps its record: in a joint
 *       configuration the outgoing voter is still a member until the joint configuration is left,
 *       and it must not lose its name and URLs meanwhile.</li>
 * </ul>
 * Whether a member is a voter or a learner is never stored: {@link #role} derives it from the
 * {@link ConfState}, so the registry and the configuration can not disagree.
 *
 * <p>{@code added_index} is set here, not by the writer: the index of the change that first
 * brought the member into the registry (founders: {@link Bootstrap#INITIAL_INDEX}), kept by
 * later upserts.
 */
public final class MemberRegistry {
    /** The format number of {@link #image()}; {@link #fromImage} refuses any other. */
    public static final int FORMAT = 1;

    private static final Logger LOG = LoggerFactory.getLogger(MemberRegistry.class);
    private static final MemberRegistry EMPTY = new MemberRegistry(0, ConfState.getDefaultInstance(), new TreeMap<>());

    private final long confIndex;
    private final ConfState confState;
    private final SortedMap<Long, Member> members;
    private final ConfView conf;

    private MemberRegistry(long confIndex, ConfState confState, SortedMap<Long, Member> members) {
        this.confIndex = confIndex;
        this.confState = normalize(confState);
        this.members = Collections.unmodifiableSortedMap(members);
        this.conf = ConfView.of(this.confState);
    }

    /** The registry of a node that knows nothing yet (a joiner before its first snapshot). */
    public static MemberRegistry empty() {
        return EMPTY;
    }

    /**
     * The registry of a new cluster's founders: the founding configuration and the founders'
     * records. Founders without a record get a bare one. Every founder must be given the same
     * arguments (like the same {@code StartMode.Found}), since this registry goes into each
     * founder's founding snapshot.
     *
     * @throws IllegalArgumentException for a record of a node outside {@code founding}, a record
     *     with id 0, or two records with the same id or name
     */
    public static MemberRegistry bootstrap(ConfState founding, List<Member> records) {
        SortedSet<Long> ids = idsOf(founding);
        if (ids.contains(0L)) {
            throw new IllegalArgumentException("node id 0 is reserved for 'no node': " + founding);
        }
        SortedMap<Long, Member> members = new TreeMap<>();
        for (Member m : records) {
            if (!ids.contains(m.getId())) {
                throw new IllegalArgumentException("founder record " + m.getId() + " ('" + m.getName()
                        + "') is not in the founding configuration " + ids);
            }
            if (members.put(m.getId(), normalized(m, Bootstrap.INITIAL_INDEX)) != null) {
                throw new IllegalArgumentException("two founder records for node " + m.getId());
            }
        }
        for (long id : ids) {
            members.computeIfAbsent(id, i -> bare(i, Bootstrap.INITIAL_INDEX));
        }
        String dup = duplicateName(members.values());
        if (dup != null) {
            throw new IllegalArgumentException("two founders are named '" + dup + "'");
        }
        return new MemberRegistry(0, founding, members);
    }

    /**
     * Folds one applied configuration change, logging a malformed context at ERROR; see
     * {@link #apply(long, ConfChange, ConfState, Consumer)}.
     */
    public MemberRegistry apply(long index, ConfChange change, ConfState result) {
        return apply(index, change, result, problem -> { });
    }

    /**
     * Folds the configuration change applied at {@code index}, whose resulting configuration is
     * {@code result}.
     *
     * <p><b>A malformed context</b> (not a {@link MembershipChange}, id 0, the same id upserted
     * twice or both upserted and removed, or a name that another member already has) is logged at
     * ERROR, reported to {@code onMalformed}, and its record part is ignored: the fold goes on
     * with the configuration alone (retained members keep their records, new ones get bare
     * records). Failing the node instead would not help: the entry is committed and every replica
     * applies the same bytes, so every node would fail at the same index, and again after each
     * restart, taking the whole cluster down for good over metadata. Ignoring it is deterministic,
     * so the registries stay identical, and the configuration itself, which Raft already applied,
     * stays the truth. A malformed context means a bug or a foreign writer; the log line names
     * the index so that an operator can fix the records with a later change.
     *
     * @throws IllegalArgumentException if {@code index} is not after {@link #confIndex()} (changes
     *     are applied in log order; anything else is a bug in the caller)
     */
    public MemberRegistry apply(long index, ConfChange change, ConfState result, Consumer<String> onMalformed) {
        if (index <= confIndex) {
            throw new IllegalArgumentException("configuration change at index " + index
                    + " applied after the one at " + confIndex + ": changes must be applied in log order");
        }
        MembershipContext.Decoded decoded = MembershipContext.decode(change.getContext());
        String problem = decoded.problem();
        SortedMap<Long, Member> next = null;
        if (problem == null) {
            next = fold(index, decoded.change(), result);
            String dup = duplicateName(next.values());
            if (dup != null) {
                problem = "two members would be named '" + dup + "'";
            }
        }
        if (problem != null) {
            LOG.error("membership: the configuration change at index {} carries a malformed member record context"
                    + " ({}); its records are ignored and the registry follows the configuration alone. This is a bug"
                    + " or a foreign writer; correct the records with a later change", index, problem);
            onMalformed.accept("index " + index + ": " + problem);
            next = fold(index, MembershipChange.getDefaultInstance(), result);
        }
        return new MemberRegistry(index, result, next);
    }

    private SortedMap<Long, Member> fold(long index, MembershipChange change, ConfState result) {
        SortedSet<Long> present = idsOf(result);
        SortedMap<Long, Member> next = new TreeMap<>(members);
        for (long id : change.getRemoveList()) {
            if (!present.contains(id)) {
                next.remove(id);
            }
            // else: still in the configuration (e.g. the outgoing half of a joint configuration);
            // its record stays until the change that takes it out of the configuration.
        }
        for (Member m : change.getUpsertList()) {
            Member previous = members.get(m.getId());
            next.put(m.getId(), normalized(m, previous != null ? previous.getAddedIndex() : index));
        }
        next.keySet().retainAll(present);
        for (long id : present) {
            next.computeIfAbsent(id, i -> bare(i, index));
        }
        return next;
    }

    // ------------------------------------------------------------------ queries

    /** The index of the last configuration change folded in (0 before any). */
    public long confIndex() {
        return confIndex;
    }

    /** The configuration that the last change produced (each id list sorted). */
    public ConfState confState() {
        return confState;
    }

    /** Every member, sorted by id. */
    public List<Member> members() {
        return List.copyOf(members.values());
    }

    /** The member ids, sorted. */
    public SortedSet<Long> ids() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(members.keySet()));
    }

    public int size() {
        return members.size();
    }

    public boolean contains(long id) {
        return members.containsKey(id);
    }

    public Optional<Member> member(long id) {
        return Optional.ofNullable(members.get(id));
    }

    /** The member with this name (names are unique in a registry). */
    public Optional<Member> byName(String name) {
        Objects.requireNonNull(name, "name");
        return members.values().stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    /** The member's role in {@link #confState()}; {@link MemberRole#NONE} for a non-member. */
    public MemberRole role(long id) {
        return conf.role(id);
    }

    /** Members that are learners now ({@link MemberRole#LEARNER}), sorted by id. */
    public List<Member> learners() {
        return members.values().stream().filter(m -> role(m.getId()) == MemberRole.LEARNER).toList();
    }

    /**
     * Members that vote in some half of the configuration now ({@link MemberRole#votes()}: voters,
     * outgoing voters and voters about to be demoted), sorted by id.
     */
    public List<Member> voters() {
        return members.values().stream().filter(m -> role(m.getId()).votes()).toList();
    }

    /** Whether the configuration is joint (a change is half done). */
    public boolean isJoint() {
        return confState.getVotersOutgoingCount() > 0;
    }

    // ------------------------------------------------------------------ images

    /** The registry as written at the head of a snapshot. */
    public RegistryImage image() {
        return RegistryImage.newBuilder()
                .setFormat(FORMAT)
                .setConfIndex(confIndex)
                .addAllMembers(members.values())
                .setConfState(confState)
                .build();
    }

    /**
     * The registry an {@link #image()} describes, with the configuration it carries.
     *
     * @throws RegistryImageException for an unknown format, a missing configuration, or members
     *     that are not exactly those of the configuration
     */
    public static MemberRegistry fromImage(RegistryImage image) {
        checkFormat(image);
        if (!image.hasConfState()) {
            throw new RegistryImageException("registry image (format " + image.getFormat()
                    + ") carries no configuration");
        }
        return fromImage(image, image.getConfState());
    }

    /**
     * The registry an {@link #image()} describes, in configuration {@code confState} (for a caller
     * that has the snapshot's metadata; it must agree with the configuration the image carries).
     *
     * @throws RegistryImageException as {@link #fromImage(RegistryImage)}, or if the image carries
     *     a different configuration
     */
    public static MemberRegistry fromImage(RegistryImage image, ConfState confState) {
        checkFormat(image);
        ConfState conf = normalize(confState);
        if (image.hasConfState() && !normalize(image.getConfState()).equals(conf)) {
            throw new RegistryImageException("registry image at configuration index " + image.getConfIndex()
                    + " was taken in configuration " + describe(image.getConfState()) + ", not "
                    + describe(confState));
        }
        SortedMap<Long, Member> members = new TreeMap<>();
        for (Member m : image.getMembersList()) {
            if (m.getId() == 0) {
                throw new RegistryImageException("registry image holds a member with id 0");
            }
            if (members.put(m.getId(), m) != null) {
                throw new RegistryImageException("registry image holds member " + m.getId() + " twice");
            }
        }
        SortedSet<Long> expected = idsOf(conf);
        if (!expected.equals(members.keySet())) {
            throw new RegistryImageException("registry image holds members " + members.keySet()
                    + " but its configuration has " + expected);
        }
        String dup = duplicateName(members.values());
        if (dup != null) {
            throw new RegistryImageException("registry image holds two members named '" + dup + "'");
        }
        return new MemberRegistry(image.getConfIndex(), conf, members);
    }

    private static void checkFormat(RegistryImage image) {
        if (image.getFormat() != FORMAT) {
            throw new RegistryImageException("registry image format " + image.getFormat()
                    + " is not supported: this version reads format " + FORMAT
                    + (image.getFormat() > FORMAT ? " (the snapshot comes from a newer version; upgrade this node)" : ""));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The name of a member without a record. */
    public static String bareName(long id) {
        return "node-" + id;
    }

    private static Member bare(long id, long addedIndex) {
        return Member.newBuilder().setId(id).setName(bareName(id)).setAddedIndex(addedIndex).build();
    }

    private static Member normalized(Member m, long addedIndex) {
        Member.Builder b = m.toBuilder().setAddedIndex(addedIndex);
        if (m.getName().isEmpty()) {
            b.setName(bareName(m.getId()));
        }
        return b.build();
    }

    private static String duplicateName(Collection<Member> members) {
        Map<String, Long> seen = new HashMap<>();
        for (Member m : members) {
            if (seen.put(m.getName(), m.getId()) != null) {
                return m.getName();
            }
        }
        return null;
    }

    /** Every node id in the configuration. */
    static SortedSet<Long> idsOf(ConfState c) {
        SortedSet<Long> ids = new TreeSet<>();
        ids.addAll(c.getVotersList());
        ids.addAll(c.getVotersOutgoingList());
        ids.addAll(c.getLearnersList());
        ids.addAll(c.getLearnersNextList());
        return ids;
    }

    /** The same configuration with each id list sorted, so equal configurations are equal messages. */
    static ConfState normalize(ConfState c) {
        return ConfState.newBuilder()
                .addAllVoters(sorted(c.getVotersList()))
                .addAllVotersOutgoing(sorted(c.getVotersOutgoingList()))
                .addAllLearners(sorted(c.getLearnersList()))
                .addAllLearnersNext(sorted(c.getLearnersNextList()))
                .setAutoLeave(c.getAutoLeave())
                .build();
    }

    private static List<Long> sorted(List<Long> ids) {
        List<Long> out = new ArrayList<>(new TreeSet<>(ids));
        return out;
    }

    private static String describe(ConfState c) {
        return "voters " + c.getVotersList() + (c.getVotersOutgoingCount() > 0 ? " outgoing " + c.getVotersOutgoingList() : "")
                + " learners " + c.getLearnersList()
                + (c.getLearnersNextCount() > 0 ? " learners-next " + c.getLearnersNextList() : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberRegistry r && confIndex == r.confIndex && confState.equals(r.confState)
                && members.equals(r.members);
    }

    @Override
    public int hashCode() {
        return Objects.hash(confIndex, confState, members);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MemberRegistry{confIndex=").append(confIndex).append(", ");
        for (Member m : members.values()) {
            sb.append(m.getId()).append('=').append(m.getName()).append('/').append(role(m.getId()));
            if (m.getStandby()) {
                sb.append("/standby");
            }
            if (m.getAutoPromote()) {
                sb.append("/auto");
            }
            sb.append(' ');
        }
        return sb.append(describe(confState)).append('}').toString();
    }
}
