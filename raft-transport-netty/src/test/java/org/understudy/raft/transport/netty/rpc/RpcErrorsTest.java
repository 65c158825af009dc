package org.understudy.raft.transport.netty.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;
import org.understudy.raft.transport.netty.rpc.proto.RpcError;

/** The mapping between {@link RaftException} and the wire's {@link RpcError}. */
class RpcErrorsTest {

    @Test
    void everyCodeSurvivesTheWireWithMessageAndDetails() throws Exception {
        for (ErrorCode code : ErrorCode.values()) {
            RaftException sent = new RaftException(code, "because " + code, Map.of("a", "1", "b", "two"));
            RpcError wire = RpcError.parseFrom(RpcErrors.toWire(sent).toByteArray());
            RaftException received = RpcErrors.fromWire(wire);
            assertThat(received.code()).isEqualTo(code);
            assertThat(received.getMessage()).isEqualTo(sent.getMessage());
            assertThat(received.details()).isEqualTo(sent.details());
        }
    }

    @Test
    void theLeaderHintTravelsInTheDetailsAndAsANumber() {
        RpcError wire = RpcErrors.toWire(RaftException.notLeader(1, 7));
        assertThat(wire.getLeaderHint()).isEqualTo(7);
        assertThat(wire.getDetailsMap()).containsEntry("leaderHint", "7");
        // a client that only set the number (another language) is understood too
        RaftException fromNumber = RpcErrors.fromWire(RpcError.newBuilder().setCode("NOT_LEADER").setMessage("no")
                .setLeaderHint(9).build());
        assertThat(fromNumber.leaderHint()).isEqualTo(9);
        assertThat(RpcErrors.fromWire(RpcErrors.toWire(RaftException.notLeader(1, 0))).leaderHint()).isZero();
    }

    @Test
    void anUnknownCodeFromANewerServerBecomesUnavailableAndKeepsTheOriginal() {
        RaftException e = RpcErrors.fromWire(RpcError.newBuilder().setCode("QUOTA_EXCEEDED").setMessage("slow down")
                .build());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.details()).containsEntry("serverCode", "QUOTA_EXCEEDED");
        assertThat(e.getMessage()).contains("QUOTA_EXCEEDED", "slow down");
    }

    @Test
    void aHandlerFailureIsItsRaftExceptionOrUnavailableNamingTheException() {
        RaftException raft = new RaftException(ErrorCode.MEMBER_NOT_FOUND, "no member 5");
        assertThat(RpcErrors.fromHandlerFailure("m", new CompletionException(raft))).isSameAs(raft);
        RaftException other = RpcErrors.fromHandlerFailure("kv.put", new CompletionException(new ArithmeticException("/ by zero")));
        assertThat(other.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(other.getMessage()).contains("'kv.put'", "java.lang.ArithmeticException", "/ by zero");
        assertThat(other.details()).containsEntry("outcome", "unknown");
    }
}
