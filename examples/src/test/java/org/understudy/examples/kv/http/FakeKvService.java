package org.understudy.examples.kv.http;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.understudy.examples.kv.api.KvErrorCode;
import org.understudy.examples.kv.api.KvException;
import org.understudy.examples.kv.api.KvService;

/**
 * A {@link KvService} whose every answer a test can script. By default it is a tiny in-memory store
 * (revisions count up from 1) with one member, so route tests read naturally; {@link #calls} records
 * every call with its arguments, in order.
 */
final class FakeKvService implements KvService {
    record PutCall(String key, String value, OptionalLong prevRevision, Optional<String> requestId) {}
    record GetCall(String key, Consistency consistency) {}
    record DeleteCall(String key, Optional<String> requestId) {}
    record AddCall(String name, List<String> peerUrls, boolean learner) {}
    record PromoteCall(long id) {}
    record RemoveCall(long id) {}
    record PublishCall(long memberId, String clientUrl) {}

    static final MemberView MEMBER = new MemberView("8e9e05c52164694d", "n1", List.of("127.0.0.1:2380"),
            List.of("127.0.0.1:2379"), false, 42, 0);

    final List<Object> calls = new CopyOnWriteArrayList<>();
    private final Map<String, GetResult> store = new ConcurrentHashMap<>();
    private final AtomicLong revision = new AtomicLong();

    volatile Function<PutCall, CompletableFuture<PutResult>> onPut = this::storePut;
    volatile BiFunction<String, Consistency, CompletableFuture<GetResult>> onGet = (k, c) -> storeGet(k);
    volatile Function<String, CompletableFuture<DeleteResult>> onDelete = this::storeDelete;
    volatile Supplier<CompletableFuture<MembersView>> onMembers =
            () -> CompletableFuture.completedFuture(new MembersView(MEMBER.id(), List.of(MEMBER), 7));
    volatile Function<AddCall, CompletableFuture<AddMemberResult>> onAdd = call -> CompletableFuture.completedFuture(
            new AddMemberResult(new MemberView("00000000000000ab", call.name(), call.peerUrls(), List.of(), call.learner(), 0, 0),
                    "n1=127.0.0.1:2380," + call.name() + "=" + call.peerUrls().get(0)));
    volatile LongFunction<CompletableFuture<MemberView>> onPromote = id -> CompletableFuture.completedFuture(MEMBER);
    volatile LongFunction<CompletableFuture<Void>> onRemove = id -> CompletableFuture.completedFuture(null);
    volatile Supplier<StatusView> onStatus = () -> new StatusView("8e9e05c52164694d", "n1", "leader", 3, "8e9e05c52164694d",
            10, 9, 11, false);
    volatile Supplier<HealthView> onHealth = () -> new HealthView(true, "");
    volatile Supplier<String> onMetrics = () -> "# TYPE raft_term gauge\nraft_term 3.0\n";
    volatile Supplier<Optional<String>> onLeaderClientUrl = Optional::empty;

    /** Makes every store operation fail with {@code e}. */
    void failEverythingWith(RuntimeException e) {
        onPut = c -> CompletableFuture.failedFuture(e);
        onGet = (k, c) -> CompletableFuture.failedFuture(e);
        onDelete = k -> CompletableFuture.failedFuture(e);
        onMembers = () -> CompletableFuture.failedFuture(e);
        onAdd = c -> CompletableFuture.failedFuture(e);
        onPromote = id -> CompletableFuture.failedFuture(e);
        onRemove = id -> CompletableFuture.failedFuture(e);
    }

    static KvException notLeader(String leaderId, String leaderClientUrl) {
        return new KvException(KvErrorCode.NOT_LEADER, "this member is not the leader",
                leaderClientUrl == null ? Map.of("leader", leaderId) : Map.of("leader", leaderId, "leaderClientUrl", leaderClientUrl));
    }

    <T> List<T> callsOf(Class<T> type) {
        return calls.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private CompletableFuture<PutResult> storePut(PutCall call) {
        GetResult current = store.get(call.key());
        long currentRevision = current == null ? 0 : current.revision();
        if (call.prevRevision().isPresent() && call.prevRevision().getAsLong() != currentRevision) {
            return CompletableFuture.failedFuture(new KvException(KvErrorCode.REVISION_MISMATCH,
                    "key " + call.key() + " is at revision " + currentRevision, Map.of("revision", currentRevision)));
        }
        long r = revision.incrementAndGet();
        store.put(call.key(), new GetResult(call.key(), ByteString.copyFromUtf8(call.value()), r));
        return CompletableFuture.completedFuture(new PutResult(r));
    }

    private CompletableFuture<GetResult> storeGet(String key) {
        GetResult r = store.get(key);
        return r != null ? CompletableFuture.completedFuture(r)
                : CompletableFuture.failedFuture(new KvException(KvErrorCode.KEY_NOT_FOUND, "key " + key + " does not exist"));
    }

    private CompletableFuture<DeleteResult> storeDelete(String key) {
        boolean existed = store.remove(key) != null;
        return CompletableFuture.completedFuture(new DeleteResult(revision.incrementAndGet(), existed));
    }

    @Override
    public CompletableFuture<PutResult> put(String key, ByteString value, OptionalLong prevRevision, Optional<String> requestId) {
        PutCall call = new PutCall(key, value.toStringUtf8(), prevRevision, requestId);
        calls.add(call);
        return onPut.apply(call);
    }

    @Override
    public CompletableFuture<GetResult> get(String key, Consistency consistency) {
        calls.add(new GetCall(key, consistency));
        return onGet.apply(key, consistency);
    }

    @Override
    public CompletableFuture<DeleteResult> delete(String key, Optional<String> requestId) {
        calls.add(new DeleteCall(key, requestId));
        return onDelete.apply(key);
    }

    @Override
    public CompletableFuture<MembersView> members() {
        return onMembers.get();
    }

    @Override
    public CompletableFuture<AddMemberResult> addMember(String name, List<String> peerUrls, boolean learner) {
        AddCall call = new AddCall(name, peerUrls, learner);
        calls.add(call);
        return onAdd.apply(call);
    }

    @Override
    public CompletableFuture<MemberView> promote(long memberId) {
        calls.add(new PromoteCall(memberId));
        return onPromote.apply(memberId);
    }

    @Override
    public CompletableFuture<Void> removeMember(long memberId) {
        calls.add(new RemoveCall(memberId));
        return onRemove.apply(memberId);
    }

    @Override
    public CompletableFuture<Void> publishClientUrl(long memberId, String clientUrl) {
        calls.add(new PublishCall(memberId, clientUrl));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public StatusView status() {
        return onStatus.get();
    }

    @Override
    public HealthView health() {
        return onHealth.get();
    }

    @Override
    public String metricsText() {
        return onMetrics.get();
    }

    @Override
    public Optional<String> leaderClientUrl() {
        return onLeaderClientUrl.get();
    }
}
