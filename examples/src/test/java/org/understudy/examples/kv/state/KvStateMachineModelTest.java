package org.understudy.examples.kv.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.proto.KvCommand;
import org.understudy.examples.kv.proto.KvResult;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;

/**
 * Seeded random logs applied to two replicas and to a plain reference model: one replica applies the
 * whole log, the other is replaced by a snapshot of the first at random points. Every result and the
 * final state must agree, which is what replicas of a deterministic state machine promise.
 */
class KvStateMachineModelTest {
    private static final int SEEDS = 200;
    private static final int ENTRIES = 400;
    private static final int DEDUP_CAPACITY = 8; // small, so that eviction happens

    @Test
    void replicasAndTheModelAgreeOnEveryResultAndTheFinalState() throws IOException {
        for (long seed = 1; seed <= SEEDS; seed++) {
            runOne(seed);
        }
    }

    private static void runOne(long seed) throws IOException {
        Random random = new Random(seed);
        KvStateMachine full = new KvStateMachine(DEDUP_CAPACITY);
        KvStateMachine restored = new KvStateMachine(DEDUP_CAPACITY);
        Model model = new Model(DEDUP_CAPACITY);
        String where = "seed " + seed;

        for (long index = 1; index <= ENTRIES; index++) {
            String at = where + ", entry " + index;
            int kind = random.nextInt(20);
            if (kind == 0) {
                full.applyConfChange(index, ConfChange.getDefaultInstance(), ConfState.getDefaultInstance());
                restored.applyConfChange(index, ConfChange.getDefaultInstance(), ConfState.getDefaultInstance());
                model.appliedIndex = index;
                continue;
            }
            Entry entry = Entries.entry(index, randomCommand(random, model, kind));
            KvResult expected = model.apply(entry);
            assertThat(full.apply(entry)).as(at).isEqualTo(expected);
            assertThat(restored.apply(entry)).as(at).isEqualTo(expected);
            if (random.nextInt(50) == 0) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                full.snapshot(out);
                restored = new KvStateMachine(DEDUP_CAPACITY);
                restored.restore(new ByteArrayInputStream(out.toByteArray()));
            }
        }
        assertSameAsModel(full, model, where + ", the replica that applied everything");
        assertSameAsModel(restored, model, where + ", the replica restored from snapshots");
    }

    private static ByteString randomCommand(Random random, Model model, int kind) {
        String key = "k" + random.nextInt(6);
        Optional<String> requestId = random.nextInt(3) == 0 ? Optional.of("id" + random.nextInt(15)) : Optional.empty();
        if (kind == 1) {
            return ByteString.EMPTY;
        }
        if (kind == 2) {
            return ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) random.nextInt(256)});
        }
        if (kind < 7) {
            return KvCommands.delete(key, requestId);
        }
        OptionalLong prev = OptionalLong.empty();
        if (kind < 12) {
            KvEntry current = model.data.get(key);
            long right = current == null ? 0 : current.revision();
            prev = OptionalLong.of(random.nextBoolean() ? right : random.nextInt(20));
        }
        return KvCommands.put(key, ByteString.copyFromUtf8("v" + random.nextInt(1000)), prev, requestId);
    }

    private static void assertSameAsModel(KvStateMachine kv, Model model, String what) {
        assertThat(kv.appliedIndex()).as(what).isEqualTo(model.appliedIndex);
        assertThat(kv.size()).as(what).isEqualTo(model.data.size());
        for (int k = 0; k < 6; k++) {
            String key = "k" + k;
            assertThat(kv.get(key)).as(what + ", key " + key).isEqualTo(Optional.ofNullable(model.data.get(key)));
        }
        assertThat(kv.rememberedRequestIds()).as(what).isEqualTo(model.dedup.size());
    }

    /** The rules of RAFT-KV.md and the design note, written as plainly as possible. */
    private static final class Model {
        final Map<String, KvEntry> data = new HashMap<>();
        final LinkedHashMap<String, KvResult> dedup = new LinkedHashMap<>();
        final int capacity;
        long appliedIndex;

        Model(int capacity) {
            this.capacity = capacity;
        }

        KvResult apply(Entry entry) {
            appliedIndex = entry.getIndex();
            long index = entry.getIndex();
            if (entry.getData().isEmpty()) {
                return KvResult.newBuilder().setRevision(index).build();
            }
            KvCommand c;
            try {
                c = KvCommand.parseFrom(entry.getData());
            } catch (IOException e) {
                return KvResult.newBuilder().setRevision(index).setError(KvResult.ErrorCode.MALFORMED_COMMAND).build();
            }
            String id = c.getRequestId();
            if (!id.isEmpty() && dedup.containsKey(id)) {
                return dedup.get(id);
            }
            KvResult result;
            if (c.hasDelete()) {
                boolean existed = data.remove(c.getDelete().getKey()) != null;
                result = KvResult.newBuilder().setRevision(index).setDeleted(existed).build();
            } else {
                KvEntry current = data.get(c.getPut().getKey());
                long currentRevision = current == null ? 0 : current.revision();
                if (c.getPut().getHasPrevRevision() && c.getPut().getPrevRevision() != currentRevision) {
                    result = KvResult.newBuilder().setRevision(index).setCurrentRevision(currentRevision)
                            .setError(KvResult.ErrorCode.REVISION_MISMATCH).build();
                } else {
                    data.put(c.getPut().getKey(), new KvEntry(c.getPut().getValue(), index));
                    result = KvResult.newBuilder().setRevision(index).build();
                }
            }
            if (!id.isEmpty()) {
                dedup.put(id, result);
                if (dedup.size() > capacity) {
                    dedup.remove(dedup.keySet().iterator().next());
                }
            }
            return result;
        }
    }
}
