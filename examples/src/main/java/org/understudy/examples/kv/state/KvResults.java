package org.understudy.examples.kv.state;

import java.util.Map;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService.DeleteResult;
import org.understudy.examples.kv.api.KvService.PutResult;
import org.understudy.examples.kv.proto.KvResult;

/**
 * Turns what {@link KvStateMachine#apply} returned into the answers of
 * {@link org.understudy.examples.kv.api.KvService}, so the error mapping lives next to the code
 * that produces the errors.
 *
 * <p>A retry answered from the request-id table returns the first command's result as it was: a
 * put retried under the id of a delete (a client bug) reads that delete's result.
 */
public final class KvResults {
    private KvResults() {}

    /**
     * @throws KvException {@code REVISION_MISMATCH} with detail {@code revision} (the key's current
     *     revision, 0 when absent), or {@code BAD_REQUEST} for a command the store could not apply
     */
    public static PutResult toPutResult(KvResult result) {
        failIfError(result);
        return new PutResult(result.getRevision());
    }

    /** @throws KvException as {@link #toPutResult} */
    public static DeleteResult toDeleteResult(KvResult result) {
        failIfError(result);
        return new DeleteResult(result.getRevision(), result.getDeleted());
    }

    private static void failIfError(KvResult result) {
        switch (result.getError()) {
            case NONE -> { }
            case REVISION_MISMATCH -> throw new KvException(KvErrorCode.REVISION_MISMATCH,
                    "the key's revision is " + result.getCurrentRevision()
                            + (result.getCurrentRevision() == 0 ? " (it does not exist)" : "")
                            + ", not the one the write expected; read it again and retry",
                    Map.of("revision", result.getCurrentRevision()));
            case MALFORMED_COMMAND -> throw new KvException(KvErrorCode.BAD_REQUEST,
                    "the store could not apply this command (log entry " + result.getRevision()
                            + "); nothing changed");
            // A code from a newer replica's result (UNRECOGNIZED): refuse rather than report success.
            default -> throw new KvException(KvErrorCode.UNAVAILABLE,
                    "the write applied at log entry " + result.getRevision() + " returned an unknown error code "
                            + result.getErrorValue());
        }
    }
}
