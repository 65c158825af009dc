package org.understudy.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The two built-in spellings of a node id, and the NOT_LEADER error that writes ids with one. */
class NodeIdFormatTest {

    @Test
    void decimalIsUnsignedAndHexIsLongToHexString() {
        assertThat(NodeIdFormat.DECIMAL.format(5568999630577802292L)).isEqualTo("5568999630577802292");
        assertThat(NodeIdFormat.HEX.format(5568999630577802292L)).isEqualTo("4d490fa87edf1c34");
        assertThat(NodeIdFormat.DECIMAL.format(-1)).isEqualTo("18446744073709551615");
        assertThat(NodeIdFormat.HEX.format(-1)).isEqualTo("ffffffffffffffff");
        assertThat(NodeIdFormat.HEX.format(255)).isEqualTo("ff");
    }

    @Test
    void aListIsWrittenAsAListOfFormattedIds() {
        assertThat(NodeIdFormat.HEX.formatAll(List.of(1L, 255L))).isEqualTo("[1, ff]");
        assertThat(NodeIdFormat.DECIMAL.formatAll(List.of(1L, 255L))).isEqualTo(List.of(1L, 255L).toString());
        assertThat(NodeIdFormat.HEX.formatAll(List.of())).isEqualTo("[]");
    }

    @Test
    void theBuiltInFormatsPrintTheirNames() {
        assertThat(NodeIdFormat.DECIMAL).hasToString("DECIMAL");
        assertThat(NodeIdFormat.HEX).hasToString("HEX");
    }

    @Test
    void notLeaderWritesIdsInTheFormatButKeepsTheHintDecimal() {
        RaftException hex = RaftException.notLeader(26, 255, NodeIdFormat.HEX);
        assertThat(hex.getMessage()).isEqualTo("node 1a is not the leader; the leader is node ff");
        assertThat(hex.details()).containsEntry("leaderHint", "255");
        assertThat(hex.leaderHint()).isEqualTo(255);
        assertThat(RaftException.notLeader(26, 0, NodeIdFormat.HEX).getMessage())
                .isEqualTo("node 1a is not the leader and knows no leader right now");
        assertThat(RaftException.notLeader(26, 255).getMessage())
                .isEqualTo("node 26 is not the leader; the leader is node 255");
    }
}
