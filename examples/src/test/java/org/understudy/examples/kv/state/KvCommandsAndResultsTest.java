package org.understudy.examples.kv.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.DeleteResult;
import org.understudy.examples.kv.api.KvService.PutResult;
import org.understudy.examples.kv.proto.KvCommand;
import org.understudy.examples.kv.proto.KvResult;
import org.understudy.examples.kv.proto.KvResult.ErrorCode;

class KvCommandsAndResultsTest {

    @Test
    void aPlainPutCarriesNoRevisionAndNoId() throws InvalidProtocolBufferException {
        KvCommand c = KvCommand.parseFrom(
                KvCommands.put("k", ByteString.copyFromUtf8("v"), OptionalLong.empty(), Optional.empty()));

        assertThat(c.getPut().getKey()).isEqualTo("k");
        assertThat(c.getPut().getValue().toStringUtf8()).isEqualTo("v");
        assertThat(c.getPut().getHasPrevRevision()).isFalse();
        assertThat(c.getRequestId()).isEmpty();
    }

    @Test
    void prevRevisionZeroIsKeptApartFromNoRevision() throws InvalidProtocolBufferException {
        KvCommand c = KvCommand.parseFrom(KvCommands.put("k", ByteString.EMPTY, OptionalLong.of(0), Optional.of("r")));

        assertThat(c.getPut().getHasPrevRevision()).isTrue();
        assertThat(c.getPut().getPrevRevision()).isZero();
        assertThat(c.getRequestId()).isEqualTo("r");
    }

    @Test
    void aDeleteCarriesItsKeyAndId() throws InvalidProtocolBufferException {
        KvCommand c = KvCommand.parseFrom(KvCommands.delete("k", Optional.of("r")));

        assertThat(c.getOpCase()).isEqualTo(KvCommand.OpCase.DELETE);
        assertThat(c.getDelete().getKey()).isEqualTo("k");
        assertThat(c.getRequestId()).isEqualTo("r");
    }

    @Test
    void successfulResultsBecomeTheServiceAnswers() {
        assertThat(KvResults.toPutResult(KvResult.newBuilder().setRevision(5).build())).isEqualTo(new PutResult(5));
        assertThat(KvResults.toDeleteResult(KvResult.newBuilder().setRevision(6).setDeleted(true).build()))
                .isEqualTo(new DeleteResult(6, true));
    }

    @Test
    void aRevisionMismatchBecomesItsCodeWithTheCurrentRevision() {
        KvResult mismatch = KvResult.newBuilder().setRevision(9).setError(ErrorCode.REVISION_MISMATCH)
                .setCurrentRevision(4).build();

        assertThatThrownBy(() -> KvResults.toPutResult(mismatch))
                .isInstanceOfSatisfying(KvException.class, e -> {
                    assertThat(e.code()).isEqualTo(KvErrorCode.REVISION_MISMATCH);
                    assertThat(e.details()).containsEntry("revision", 4L);
                })
                .hasMessageContaining("revision is 4");
    }

    @Test
    void aMalformedCommandIsABadRequest() {
        KvResult malformed = KvResult.newBuilder().setRevision(3).setError(ErrorCode.MALFORMED_COMMAND).build();

        assertThatThrownBy(() -> KvResults.toDeleteResult(malformed))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(KvErrorCode.BAD_REQUEST));
    }

    @Test
    void anUnknownErrorCodeIsNeverReportedAsSuccess() {
        KvResult fromTheFuture = KvResult.newBuilder().setRevision(3).setErrorValue(42).build();

        assertThatThrownBy(() -> KvResults.toPutResult(fromTheFuture))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(KvErrorCode.UNAVAILABLE))
                .hasMessageContaining("42");
    }
}
