package org.understudy.examples.kv.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.understudy.examples.kv.state.Entries.delete;
import static org.understudy.examples.kv.state.Entries.deleteWithId;
import static org.understudy.examples.kv.state.Entries.entry;
import static org.understudy.examples.kv.state.Entries.put;
import static org.understudy.examples.kv.state.Entries.putIf;
import static org.understudy.examples.kv.state.Entries.putWithId;
import static org.understudy.examples.kv.state.Entries.utf8;

import com.google.protobuf.ByteString;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.proto.KvCommand;
import org.understudy.examples.kv.proto.KvResult;
import org.understudy.examples.kv.proto.KvResult.ErrorCode;
import org.understudy.examples.kv.proto.Put;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;

class KvStateMachineApplyTest {
    private final KvStateMachine kv = new KvStateMachine();

    @Test
    void aPutStoresTheValueWithTheEntryIndexAsRevision() {
        KvResult result = kv.apply(put(7, "a", "one"));

        assertThat(result).isEqualTo(KvResult.newBuilder().setRevision(7).build());
        assertThat(kv.get("a")).contains(new KvEntry(utf8("one"), 7));
        assertThat(kv.size()).isEqualTo(1);
        assertThat(kv.appliedIndex()).isEqualTo(7);
    }

    @Test
    void anOverwriteTakesTheNewIndexAsRevision() {
        kv.apply(put(1, "a", "one"));
        kv.apply(put(2, "a", "two"));

        assertThat(kv.get("a")).contains(new KvEntry(utf8("two"), 2));
        assertThat(kv.size()).isEqualTo(1);
    }

    @Test
    void compareAndSetAppliesWhenTheRevisionMatches() {
        kv.apply(put(1, "a", "one"));

        KvResult result = kv.apply(putIf(2, "a", "two", 1));

        assertThat(result.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(result.getRevision()).isEqualTo(2);
        assertThat(kv.get("a")).contains(new KvEntry(utf8("two"), 2));
    }

    @Test
    void compareAndSetRefusesAStaleRevisionAndReportsTheCurrentOne() {
        kv.apply(put(1, "a", "one"));
        kv.apply(put(2, "a", "two"));

        KvResult result = kv.apply(putIf(3, "a", "three", 1));

        assertThat(result.getError()).isEqualTo(ErrorCode.REVISION_MISMATCH);
        assertThat(result.getCurrentRevision()).isEqualTo(2);
        assertThat(kv.get("a")).contains(new KvEntry(utf8("two"), 2));
        assertThat(kv.appliedIndex()).isEqualTo(3);
    }

    @Test
    void prevRevisionZeroMeansTheKeyMustNotExist() {
        KvResult created = kv.apply(putIf(1, "a", "one", 0));
        KvResult refused = kv.apply(putIf(2, "a", "again", 0));

        assertThat(created.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(refused.getError()).isEqualTo(ErrorCode.REVISION_MISMATCH);
        assertThat(refused.getCurrentRevision()).isEqualTo(1);
        assertThat(kv.get("a")).contains(new KvEntry(utf8("one"), 1));
    }

    @Test
    void compareAndSetOnAnAbsentKeyWithANonZeroRevisionReportsZero() {
        KvResult result = kv.apply(putIf(1, "a", "one", 5));

        assertThat(result.getError()).isEqualTo(ErrorCode.REVISION_MISMATCH);
        assertThat(result.getCurrentRevision()).isZero();
        assertThat(kv.get("a")).isEmpty();
    }

    @Test
    void deleteRemovesAnExistingKey() {
        kv.apply(put(1, "a", "one"));

        KvResult result = kv.apply(delete(2, "a"));

        assertThat(result).isEqualTo(KvResult.newBuilder().setRevision(2).setDeleted(true).build());
        assertThat(kv.get("a")).isEmpty();
        assertThat(kv.size()).isZero();
    }

    @Test
    void deleteOfAnAbsentKeyReportsNotDeletedWithTheIndexAsRevision() {
        KvResult result = kv.apply(delete(4, "missing"));

        assertThat(result.getDeleted()).isFalse();
        assertThat(result.getRevision()).isEqualTo(4);
        assertThat(result.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(kv.appliedIndex()).isEqualTo(4);
    }

    @Test
    void anEmptyEntryIsANewLeadersNoOp() {
        kv.apply(put(1, "a", "one"));

        KvResult result = kv.apply(entry(2, ByteString.EMPTY));

        assertThat(result).isEqualTo(KvResult.newBuilder().setRevision(2).build());
        assertThat(kv.get("a")).contains(new KvEntry(utf8("one"), 1));
        assertThat(kv.appliedIndex()).isEqualTo(2);
    }

    @Test
    void bytesThatAreNotACommandChangeNothingAndReportMalformed() {
        kv.apply(put(1, "a", "one"));

        // 0xFF is a field tag with wire type 7, which does not exist: protobuf refuses it.
        KvResult result = kv.apply(entry(2, ByteString.copyFrom(new byte[] {(byte) 0xFF, 0x01, 0x02})));

        assertThat(result.getError()).isEqualTo(ErrorCode.MALFORMED_COMMAND);
        assertThat(result.getRevision()).isEqualTo(2);
        assertThat(kv.get("a")).contains(new KvEntry(utf8("one"), 1));
        assertThat(kv.size()).isEqualTo(1);
        assertThat(kv.appliedIndex()).isEqualTo(2);
    }

    @Test
    void aCommandWithoutAnOperationIsMalformed() {
        ByteString onlyAnId = KvCommand.newBuilder().setRequestId("r1").build().toByteString();

        KvResult result = kv.apply(entry(1, onlyAnId));

        assertThat(result.getError()).isEqualTo(ErrorCode.MALFORMED_COMMAND);
        assertThat(kv.size()).isZero();
        assertThat(kv.rememberedRequestIds()).as("a command that did not apply is not remembered").isZero();
    }

    @Test
    void aKeyThatIsNotValidUtf8IsMalformed() {
        // KvCommand.put (field 1, 3 bytes) = Put.key (field 1, 1 byte) = 0xC3, an incomplete UTF-8 sequence.
        ByteString command = ByteString.copyFrom(new byte[] {0x0A, 0x03, 0x0A, 0x01, (byte) 0xC3});

        KvResult result = kv.apply(entry(1, command));

        assertThat(result.getError()).isEqualTo(ErrorCode.MALFORMED_COMMAND);
        assertThat(kv.size()).isZero();
    }

    @Test
    void anEmptyKeyIsStoredBecauseValidationBelongsToTheApiLayer() {
        KvResult result = kv.apply(put(1, "", "v"));

        assertThat(result.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(kv.get("")).contains(new KvEntry(utf8("v"), 1));
    }

    @Test
    void aRetriedWriteReturnsTheFirstResultAndIsNotAppliedAgain() {
        KvResult first = kv.apply(putWithId(1, "a", "one", "req-1"));
        kv.apply(put(2, "a", "two"));

        KvResult retry = kv.apply(putWithId(3, "a", "one", "req-1"));

        assertThat(retry).isEqualTo(first);
        assertThat(retry.getRevision()).isEqualTo(1);
        assertThat(kv.get("a")).as("the retry must not overwrite the later write").contains(new KvEntry(utf8("two"), 2));
        assertThat(kv.appliedIndex()).isEqualTo(3);
    }

    @Test
    void aRetriedDeleteReturnsItsFirstResult() {
        kv.apply(put(1, "a", "one"));
        KvResult first = kv.apply(deleteWithId(2, "a", "del-1"));
        kv.apply(put(3, "a", "again"));

        KvResult retry = kv.apply(deleteWithId(4, "a", "del-1"));

        assertThat(retry).isEqualTo(first);
        assertThat(retry.getDeleted()).isTrue();
        assertThat(kv.get("a")).contains(new KvEntry(utf8("again"), 3));
    }

    @Test
    void aRefusedCompareAndSetIsRememberedWithItsResult() {
        kv.apply(put(1, "a", "one"));
        ByteString cas = KvCommands.put("a", utf8("x"), OptionalLong.of(9), Optional.of("cas-1"));
        KvResult first = kv.apply(entry(2, cas));
        kv.apply(put(3, "a", "two"));

        KvResult retry = kv.apply(entry(4, cas));

        assertThat(first.getError()).isEqualTo(ErrorCode.REVISION_MISMATCH);
        assertThat(retry).isEqualTo(first);
    }

    @Test
    void distinctRequestIdsApplyIndependently() {
        kv.apply(putWithId(1, "a", "one", "req-1"));
        KvResult second = kv.apply(putWithId(2, "a", "two", "req-2"));

        assertThat(second.getRevision()).isEqualTo(2);
        assertThat(kv.get("a")).contains(new KvEntry(utf8("two"), 2));
    }

    @Test
    void theOldestRequestIdIsEvictedInApplyOrderWhenTheTableIsFull() {
        KvStateMachine small = new KvStateMachine(3);
        small.apply(putWithId(1, "k", "v1", "id-1"));
        small.apply(putWithId(2, "k", "v2", "id-2"));
        small.apply(putWithId(3, "k", "v3", "id-3"));
        small.apply(putWithId(4, "k", "v4", "id-4")); // evicts id-1

        KvResult stillKnown = small.apply(putWithId(5, "k", "v2", "id-2"));
        KvResult forgotten = small.apply(putWithId(6, "k", "v1", "id-1"));

        assertThat(small.rememberedRequestIds()).isEqualTo(3);
        assertThat(stillKnown.getRevision()).as("id-2 is still remembered").isEqualTo(2);
        assertThat(forgotten.getRevision()).as("id-1 was evicted, so its retry applies again").isEqualTo(6);
        assertThat(small.get("k")).contains(new KvEntry(utf8("v1"), 6));
    }

    @Test
    void aConfigurationChangeAdvancesTheAppliedIndexOnly() {
        kv.apply(put(1, "a", "one"));

        kv.applyConfChange(2, ConfChange.getDefaultInstance(), ConfState.getDefaultInstance());

        assertThat(kv.appliedIndex()).isEqualTo(2);
        assertThat(kv.get("a")).contains(new KvEntry(utf8("one"), 1));
    }

    @Test
    void aPutMayStoreAnEmptyValue() {
        kv.apply(entry(1, KvCommand.newBuilder().setPut(Put.newBuilder().setKey("a")).build().toByteString()));

        assertThat(kv.get("a")).contains(new KvEntry(ByteString.EMPTY, 1));
    }
}
