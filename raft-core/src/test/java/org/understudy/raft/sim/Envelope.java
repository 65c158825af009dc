package org.understudy.raft.sim;

import com.google.protobuf.ByteString;
import org.understudy.raft.proto.RaftMessage;

/**
 * A message on the simulated wire. For {@code MSG_SNAPSHOT} it also carries the whole snapshot
 * data, captured from the sender's newest snapshot at send time (what a real transport streams in
 * chunks), and its metadata replaces the one the core put in the message.
 *
 * @param message the message as the receiver will step it
 * @param snapshotData the snapshot's bytes for {@code MSG_SNAPSHOT}, else empty
 * @param senderIncarnation which life of the sender sent it: a snapshot failure is reported only
 *     to the same incarnation, since a restarted core knows nothing of the transfer
 */
public record Envelope(RaftMessage message, ByteString snapshotData, int senderIncarnation) {

    public long from() {
        return message.getFrom();
    }

    public long to() {
        return message.getTo();
    }
}
