package org.understudy.membership.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.understudy.membership.registry.Records.member;
import static org.understudy.membership.registry.Records.withRecords;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.understudy.membership.proto.RegistryImage;
import org.understudy.membership.sim.CountingStateMachine;
import org.understudy.raft.core.ConfChanges;
import org.understudy.raft.core.confchange.ConfChanger;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;
import org.understudy.raft.runtime.StartMode;

class MembershipStateMachineTest {

    private static MembershipStateMachine<Long> founder() {
        return MembershipStateMachine.forStart(new CountingStateMachine(), StartMode.found(Set.of(1L, 2L, 3L)),
                List.of(member(1, "alpha")));
    }

    private static void applyChange(MembershipStateMachine<Long> sm, long index, ConfChange cc) {
        try {
            sm.applyConfChange(index, cc, ConfChanger.next(sm.registry().confState(), cc));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Entry command(long index, String data) {
        return Entry.newBuilder().setIndex(index).setTerm(1).setType(EntryType.ENTRY_NORMAL)
                .setData(ByteString.copyFromUtf8(data)).build();
    }

    private static byte[] snapshotOf(MembershipStateMachine<Long> sm) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.snapshot(out);
        return out.toByteArray();
    }

    @Test
    void forwardsCommandsAndChangesAndPublishesTheRegistry() {
        MembershipStateMachine<Long> sm = founder();
        List<MemberRegistry> seen = new ArrayList<>();
        sm.addListener(seen::add);
        sm.addListener(r -> {
            throw new IllegalStateException("a broken listener must not stop the others or the apply thread");
        });

        assertThat(sm.apply(command(2, "a=1"))).isEqualTo(1L);
        applyChange(sm, 3, withRecords(ConfChanges.addLearner(4), member(4, "delta")));

        CountingStateMachine user = (CountingStateMachine) sm.user();
        assertThat(user.commands()).isEqualTo(1);
        assertThat(user.confChanges()).isEqualTo(1);
        assertThat(sm.registry().role(4)).isEqualTo(MemberRole.LEARNER);
        assertThat(seen).containsExactly(sm.registry());
        assertThat(sm.malformedContexts()).isZero();

        // a malformed context is counted, its records ignored, and everything else goes on
        applyChange(sm, 4, ConfChanges.addLearner(5).toBuilder().setContext(ByteString.copyFromUtf8("garbage")).build());
        assertThat(sm.malformedContexts()).isEqualTo(1);
        assertThat(sm.registry().member(5).orElseThrow().getName()).isEqualTo("node-5");
        assertThat(sm.registry().member(4).orElseThrow().getName()).isEqualTo("delta");
        assertThat(user.confChanges()).isEqualTo(2);
        assertThat(seen).hasSize(2);
    }

    @Test
    void forStartGivesFoundersTheFoundingRegistryAndJoinersNone() {
        MembershipStateMachine<Long> f = founder();
        assertThat(f.registry().ids()).containsExactly(1L, 2L, 3L);
        assertThat(f.registry().member(1).orElseThrow().getName()).isEqualTo("alpha");
        assertThat(f.registry().member(2).orElseThrow().getName()).isEqualTo("node-2");

        MembershipStateMachine<Long> j = MembershipStateMachine.forStart(new CountingStateMachine(), StartMode.join(),
                List.of());
        assertThat(j.registry()).isEqualTo(MemberRegistry.empty());
        assertThatThrownBy(() -> MembershipStateMachine.forStart(new CountingStateMachine(), StartMode.join(),
                List.of(member(1, "alpha")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotRoundTripsTheRegistryAndTheUsersState() throws IOException {
        MembershipStateMachine<Long> sm = founder();
        sm.apply(command(2, "a=1"));
        applyChange(sm, 3, withRecords(ConfChanges.addLearner(4), member(4, "delta")));
        applyChange(sm, 5, ConfChanges.replace(2, 4));
        sm.apply(command(6, "b=2"));
        byte[] bytes = snapshotOf(sm);

        MembershipStateMachine<Long> other = new MembershipStateMachine<>(new CountingStateMachine());
        List<MemberRegistry> seen = new ArrayList<>();
        other.addListener(seen::add);
        other.restore(new ByteArrayInputStream(bytes));

        assertThat(other.registry()).isEqualTo(sm.registry());
        assertThat(other.registry().role(2)).isEqualTo(MemberRole.VOTER_OUTGOING);
        CountingStateMachine user = (CountingStateMachine) other.user();
        // CountingStateMachine.restore fails on trailing bytes: the header took exactly its own
        assertThat(user.digest()).isEqualTo(((CountingStateMachine) sm.user()).digest());
        assertThat(user.commands()).isEqualTo(2);
        assertThat(seen).containsExactly(other.registry());
        assertThat(snapshotOf(other)).isEqualTo(bytes);
    }

    @Test
    void restoreCopesWithAStreamThatHandsOutOneByteAtATime() throws IOException {
        MembershipStateMachine<Long> sm = founder();
        byte[] bytes = snapshotOf(sm);
        // as a chunked snapshot reader may: short reads everywhere
        InputStream dribble = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        MembershipStateMachine<Long> other = new MembershipStateMachine<>(new CountingStateMachine());
        other.restore(dribble);
        assertThat(other.registry()).isEqualTo(sm.registry());
    }

    @Test
    void restoreRefusesABadMagic() {
        byte[] bytes = "not a membership snapshot at all".getBytes();
        assertThatThrownBy(() -> new MembershipStateMachine<>(new CountingStateMachine())
                .restore(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IOException.class).hasMessageContaining("not a membership snapshot")
                .hasMessageContaining("USMR");
    }

    @Test
    void restoreRefusesImpossibleLengthsAndTruncation() throws IOException {
        assertThatThrownBy(() -> restoreHeader(-1, new byte[0])).isInstanceOf(IOException.class)
                .hasMessageContaining("length -1");
        assertThatThrownBy(() -> restoreHeader(RegistrySnapshotHeader.MAX_IMAGE_BYTES + 1, new byte[0]))
                .isInstanceOf(IOException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> restoreHeader(100, new byte[10])).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
        byte[] full = snapshotOf(founder());
        assertThatThrownBy(() -> new MembershipStateMachine<>(new CountingStateMachine())
                .restore(new ByteArrayInputStream(Arrays.copyOf(full, 6))))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> restoreHeader(3, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(IOException.class).hasMessageContaining("does not parse");
    }

    @Test
    void restoreRefusesUnknownFormatsAndKeepsTheOldRegistry() throws IOException {
        MembershipStateMachine<Long> sm = founder();
        byte[] image = sm.registry().image().toBuilder().setFormat(7).build().toByteArray();
        assertThatThrownBy(() -> restoreHeader(sm, image.length, image)).isInstanceOf(IOException.class)
                .hasMessageContaining("format 7 is not supported");
        assertThat(sm.registry().ids()).containsExactly(1L, 2L, 3L);

        byte[] inconsistent = sm.registry().image().toBuilder().removeMembers(2).build().toByteArray();
        assertThatThrownBy(() -> restoreHeader(sm, inconsistent.length, inconsistent)).isInstanceOf(IOException.class)
                .hasMessageContaining("refused");
    }

    @Test
    void headerWritesTheDocumentedLayout() throws IOException {
        MembershipStateMachine<Long> sm = founder();
        byte[] bytes = snapshotOf(sm);
        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("USMR");
        int length = java.nio.ByteBuffer.wrap(bytes, 4, 4).getInt();
        RegistryImage image = RegistryImage.parseFrom(Arrays.copyOfRange(bytes, 8, 8 + length));
        assertThat(MemberRegistry.fromImage(image)).isEqualTo(sm.registry());
        assertThat(bytes.length - 8 - length).as("the user's part: three longs").isEqualTo(24);
    }

    private static void restoreHeader(int length, byte[] body) throws IOException {
        restoreHeader(new MembershipStateMachine<>(new CountingStateMachine()), length, body);
    }

    private static void restoreHeader(MembershipStateMachine<Long> sm, int length, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(RegistrySnapshotHeader.MAGIC);
        d.writeInt(length);
        d.write(body);
        new CountingStateMachine().snapshot(d);
        sm.restore(new ByteArrayInputStream(out.toByteArray()));
    }
}
