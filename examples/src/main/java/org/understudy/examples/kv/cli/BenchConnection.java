package org.understudy.examples.kv.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.understudy.client.balancer.ClientBalancer;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.spi.ClientTransport;
import org.understudy.client.balancer.spi.MemberSource;
import org.understudy.examples.kv.api.Failures;
import org.understudy.examples.kv.bench.BenchProtocol;
import org.understudy.examples.kv.client.HttpClientTransport;
import org.understudy.examples.kv.client.HttpMemberSource;
import org.understudy.examples.kv.client.RpcClientTransport;
import org.understudy.examples.kv.client.RpcMemberSource;
import org.understudy.raft.transport.netty.rpc.RpcClientOptions;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * What {@code raft-kv bench} talks to the cluster with: a {@link ClientBalancer} over raft-kv's
 * adapters for the chosen protocol (the binary protocol by default, or HTTP), seeded with
 * {@code --endpoints}. Closing it closes the balancer, then the transport's connections.
 */
final class BenchConnection implements AutoCloseable {
    /** How long each candidate gets to answer the member list. */
    private static final Duration MEMBER_LIST_TIMEOUT = Duration.ofSeconds(3);

    /** The cluster could not be reached before the run: a code and a sentence, as ctl prints them. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        Unreachable(String code, String sentence) {
            super(sentence, null, false, false);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    private final ClientBalancer balancer;
    private final Runnable closeTransport;
    private final boolean tls;
    private final boolean clientCertificate;
    private final BenchProtocol protocol;
    private final String hosts;

    private BenchConnection(ClientBalancer balancer, Runnable closeTransport, BenchProtocol protocol, boolean tls,
                            boolean clientCertificate, String hosts) {
        this.balancer = balancer;
        this.hosts = hosts;
        this.closeTransport = closeTransport;
        this.protocol = protocol;
        this.tls = tls;
        this.clientCertificate = clientCertificate;
    }

    /**
     * @param sslContext the context of {@code --cacert} for HTTP, or null for plain connections
     * @param rpcTls the same files for the binary protocol, or null
     * @param deadline each request's deadline (retries included)
     */
    static BenchConnection open(BenchProtocol protocol, List<Endpoint> seeds, SSLContext sslContext, TlsSettings rpcTls,
                                boolean clientCertificate, Duration deadline, long seed) {
        ClientTransport transport;
        MemberSource members;
        Runnable closeTransport;
        if (protocol == BenchProtocol.HTTP) {
            HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2));
            if (sslContext != null) {
                http.sslContext(sslContext);
            }
            HttpClient client = http.build();
            String scheme = sslContext == null ? "http" : "https";
            transport = new HttpClientTransport(client, scheme);
            members = new HttpMemberSource(client, scheme, MEMBER_LIST_TIMEOUT);
            closeTransport = () -> { }; // java.net.http's client closes its connections when it is collected (Java 17)
        } else {
            // Answers complete on the connection's event loop (Runnable::run) and not on a pool: what runs
            // there is the balancer's bookkeeping and the bench's recording and next send, none of which
            // blocks, and a hop through a shared pool per answer would cost more than all of that.
            RpcClientTransport rpc = new RpcClientTransport(ep -> {
                RpcClientOptions.Builder options = RpcClientOptions.builder(ep.host(), ep.port()).ioThreads(1)
                        .clientName("raft-kv-bench").callbackExecutor(Runnable::run);
                if (rpcTls != null) {
                    options.tls(rpcTls);
                }
                return options.build();
            });
            transport = rpc;
            members = new RpcMemberSource(rpc, MEMBER_LIST_TIMEOUT);
            closeTransport = rpc::close;
        }
        ClientBalancer balancer = ClientBalancer.builder()
                .transport(transport)
                .memberSource(members)
                .seedEndpoints(seeds)
                .deadline(deadline)
                .attemptTimeout(deadline.compareTo(Duration.ofSeconds(3)) < 0 ? deadline : Duration.ofSeconds(3))
                .random(new Random(seed))
                .clientName("raft-kv-bench")
                .build();
        return new BenchConnection(balancer, closeTransport, protocol, sslContext != null || rpcTls != null,
                clientCertificate, String.join(" or ", seeds.stream().map(Endpoint::host).distinct().toList()));
    }

    ClientBalancer balancer() {
        return balancer;
    }

    /**
     * Fetches the member list before the run, so that a cluster that cannot be reached is said
     * once, with a code, instead of as thousands of failed operations.
     *
     * @return the voters' endpoints
     */
    List<Endpoint> awaitVoters(Duration timeout) throws Unreachable, InterruptedException {
        try {
            List<Endpoint> voters = balancer.syncNow().get(timeout.toMillis(), TimeUnit.MILLISECONDS).voterEndpoints();
            if (voters.isEmpty()) {
                throw new Unreachable("UNAVAILABLE", "the member list names no voter with a client URL yet; are the"
                        + " members started?");
            }
            return voters;
        } catch (TimeoutException e) {
            throw new Unreachable("UNAVAILABLE", "no member list within " + timeout.toMillis() + " ms from "
                    + balancer.members().allEndpoints());
        } catch (ExecutionException e) {
            throw describe(Failures.unwrap(e));
        }
    }

    /**
     * A failed member list in words. Over HTTP (and over TLS with either protocol) ctl's
     * {@link ConnectionFailure} tells TLS trouble apart from a member that is down; the binary
     * protocol without TLS has only "down", in the RPC client's words.
     */
    private Unreachable describe(Throwable failure) {
        IOException io = failure instanceof IOException e ? e : new IOException(failure.getMessage(), failure);
        if (protocol == BenchProtocol.HTTP || tls) {
            ConnectionFailure f = ConnectionFailure.of(io, tls, clientCertificate, hosts);
            return new Unreachable(f.code(), f.sentence());
        }
        return new Unreachable(ConnectionFailure.UNAVAILABLE, io.getMessage() + causes(failure));
    }

    private static String causes(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
    }

    @Override
    public void close() {
        try {
            balancer.close();
        } finally {
            closeTransport.run();
        }
    }
}
