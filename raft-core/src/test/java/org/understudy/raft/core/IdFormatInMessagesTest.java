package org.understudy.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.NodeIdFormat;
import org.understudy.raft.RaftException;
import org.understudy.raft.sim.Cluster;

/**
 * The core's errors write node ids with {@link RaftConfig#idFormat()}, so an application that shows
 * ids in hex gets hex in the library's sentences too; the details stay decimal, and the default is
 * decimal.
 */
class IdFormatInMessagesTest {

    /** Voters 1, 2 and 26 (hex 1a), learner 255 (hex ff); node 1 leads. */
    private static Cluster cluster(NodeIdFormat ids) {
        Cluster c = Cluster.builder().voters(1, 2, 26).learners(255).config(b -> b.idFormat(ids)).build();
        c.elect(1);
        return c;
    }

    @Test
    void theCoresRefusalsUseTheConfiguredFormat() {
        Cluster c = cluster(NodeIdFormat.HEX);

        RaftException notLeader = catchThrowableOfType(RaftException.class,
                () -> c.core(26).propose(ByteString.copyFromUtf8("x")));
        assertThat(notLeader.code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(notLeader.getMessage()).isEqualTo("node 1a is not the leader; the leader is node 1");

        RaftException learner = catchThrowableOfType(RaftException.class, () -> c.core(1).transferLeadership(255));
        assertThat(learner.code()).isEqualTo(ErrorCode.UNSUPPORTED_ON_LEARNER);
        assertThat(learner.getMessage()).startsWith("node ff is a learner");

        RaftException stranger = catchThrowableOfType(RaftException.class, () -> c.core(1).transferLeadership(0xabc));
        assertThat(stranger.getMessage()).isEqualTo("node abc is not a member");

        RaftException write = catchThrowableOfType(RaftException.class,
                () -> c.core(255).propose(ByteString.copyFromUtf8("x")));
        assertThat(write.getMessage()).startsWith("node ff is a learner");
        assertThat(write.details()).containsEntry("leaderHint", "1");
    }

    @Test
    void theDefaultIsDecimal() {
        Cluster c = Cluster.builder().voters(1, 2, 26).learners(255).build();
        c.elect(1);
        assertThat(RaftConfig.builder(7).build().idFormat()).isEqualTo(NodeIdFormat.DECIMAL);
        RaftException learner = catchThrowableOfType(RaftException.class, () -> c.core(1).transferLeadership(255));
        assertThat(learner.getMessage()).startsWith("node 255 is a learner");
    }
}
