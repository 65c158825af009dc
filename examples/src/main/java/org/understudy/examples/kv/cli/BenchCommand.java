package org.understudy.examples.kv.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.understudy.client.balancer.Endpoint;
import org.understudy.client.balancer.InvalidEndpointException;
import org.understudy.examples.kv.bench.BalancerTarget;
import org.understudy.examples.kv.bench.BenchMode;
import org.understudy.examples.kv.bench.BenchOptionException;
import org.understudy.examples.kv.bench.BenchOptionException.Code;
import org.understudy.examples.kv.bench.BenchProtocol;
import org.understudy.examples.kv.bench.BenchSummary;
import org.understudy.examples.kv.bench.LoadOptions;
import org.understudy.examples.kv.bench.LoadRun;
import org.understudy.examples.kv.bench.NanoClock;
import org.understudy.raft.transport.netty.tls.TlsSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code raft-kv bench}: a load generator for a running cluster, through {@code client-balancer} as
 * an application would use it. Progress once a second and a last human line on stderr; one JSON
 * line with the configuration, totals, throughput and latency percentiles on stdout
 * ({@link BenchSummary}). Bad options print {@code Error: CODE: sentence} and the usage and exit 2;
 * a cluster that cannot be reached prints {@code Error: CODE: sentence} and exits 1, as ctl does;
 * a run in which no operation succeeded exits 1 after its summary.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive a running raft-kv cluster with puts and linearizable gets through client-balancer,"
                + " and report throughput and latency.",
                "Progress goes to stderr once a second; the summary is one JSON line on stdout."})
final class BenchCommand implements Callable<Integer> {
    /** Seeds chosen here stay below 2^48, so that every JSON reader (doubles included) prints them back exactly. */
    private static final long SEED_BOUND = 1L << 48;

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379", paramLabel = "HOST:PORT",
            description = "Client addresses of members, comma-separated; the others are found from the member list"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = "--protocol", defaultValue = "rpc", paramLabel = "rpc|http",
            description = "rpc: the Java client's binary protocol; http: the HTTP/JSON API (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Mixin
    ClientTlsOptions tls;

    @Option(names = "--clients", defaultValue = "16", paramLabel = "N",
            description = "Operations in flight at once: closed-loop clients, or fixed-rate senders (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--mode", defaultValue = "closed", paramLabel = "closed|fixed-rate",
            description = "closed: each client sends its next operation when the last one finished; fixed-rate: --rate"
                    + " operations per second, latency measured from when each was due (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--rate", paramLabel = "OPS_PER_S", description = "With --mode fixed-rate: operations per second, all clients together.")
    Double rate;

    @Option(names = "--read-ratio", defaultValue = "0.5", paramLabel = "0..1",
            description = "Share of linearizable gets; the rest are puts (default: ${DEFAULT-VALUE}).")
    double readRatio;

    @Option(names = "--value-bytes", defaultValue = "1024", paramLabel = "N",
            description = "Size of each value put (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--keys", defaultValue = "10000", paramLabel = "N",
            description = "Number of distinct keys, picked uniformly (default: ${DEFAULT-VALUE}).")
    long keys;

    @Option(names = "--key-prefix", defaultValue = "bench/", paramLabel = "TEXT",
            description = "What every key starts with; keys are TEXT0 .. TEXT<N-1> (default: ${DEFAULT-VALUE}).")
    String keyPrefix;

    @Option(names = "--duration", defaultValue = "30s", paramLabel = "DURATION", converter = CtlCommand.DurationConverter.class,
            description = "How long to record, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "3s", paramLabel = "DURATION", converter = CtlCommand.DurationConverter.class,
            description = "Load before recording, not counted (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION", converter = CtlCommand.DurationConverter.class,
            description = "Each operation's deadline, retries included; later is a timeout (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the keys, values and read/write mix (default:"
            + " chosen at random; printed either way).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("raftkv.log.level") == null) {
            // Read by logback.xml when logging starts (as the demo does): the clients' own lines about
            // connections and member syncs would break up the progress line, and what they are about
            // reaches the summary anyway (errors by code). -Draftkv.log.level=INFO shows them.
            System.setProperty("raftkv.log.level", "ERROR");
        }
        LoadOptions options = options();
        List<Endpoint> seeds = seedEndpoints();
        requireRpcClientCertificate(options.protocol());
        SSLContext sslContext = sslContext();
        TlsSettings rpcTls = options.protocol() == BenchProtocol.RPC && tls.enabled()
                ? TlsSettings.builder(tls.cert, tls.key, tls.cacert).build() : null;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (BenchConnection connection = BenchConnection.open(options.protocol(), seeds, sslContext, rpcTls,
                tls.clientCertificate(), options.timeout(), options.seed())) {
            List<Endpoint> voters;
            try {
                voters = connection.awaitVoters(options.timeout().plusSeconds(5));
            } catch (BenchConnection.Unreachable e) {
                err.println("Error: " + e.code() + ": " + e.getMessage());
                err.flush();
                return 1;
            }
            err.println(BenchText.start(options, voters));
            err.flush();
            ProgressLine progress = new ProgressLine(err, System.console() != null);
            BenchSummary summary = LoadRun.run(options, endpoints, new BalancerTarget(connection.balancer(),
                            options.protocol(), options.timeout()), NanoClock.SYSTEM,
                    () -> connection.balancer().members().leaderId(), p -> progress.update(BenchText.progress(p)));
            progress.end();
            err.println(BenchText.done(summary));
            err.flush();
            out.println(CtlClient.json(summary.toJson()));
            out.flush();
            if (summary.totals().succeeded() == 0) {
                err.println("Error: UNAVAILABLE: no operation succeeded; the summary's errors say why");
                err.flush();
                return 1;
            }
            return 0;
        }
    }

    /** The options, checked; a bad one is a usage error with its code. */
    LoadOptions options() {
        try {
            return new LoadOptions(clients, BenchMode.parse(mode), rate == null ? OptionalDouble.empty()
                    : OptionalDouble.of(rate), valueBytes, readRatio, keys, keyPrefix, warmup, duration, timeout,
                    seed != null ? seed : ThreadLocalRandom.current().nextLong(SEED_BOUND), BenchProtocol.parse(protocol));
        } catch (BenchOptionException e) {
            throw usage(e);
        }
    }

    private List<Endpoint> seedEndpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (String e : endpoints) {
            try {
                out.add(Endpoint.parse(e));
            } catch (InvalidEndpointException x) {
                throw usage(new BenchOptionException(Code.BAD_ENDPOINT, "--endpoints: " + x.getMessage()));
            }
        }
        return out;
    }

    private SSLContext sslContext() {
        try {
            return tls.sslContext(spec.commandLine(), endpoints);
        } catch (ParameterException e) {
            throw usage(new BenchOptionException(Code.BAD_TLS, e.getMessage()));
        }
    }

    /**
     * The binary protocol's TLS client (raft-transport-netty's) always presents a certificate, so
     * {@code --cacert} alone is not enough for it; checked before the files are loaded, so the
     * error is this one rather than whatever else might be wrong with them.
     */
    private void requireRpcClientCertificate(BenchProtocol p) {
        if (p == BenchProtocol.RPC && tls.enabled() && tls.cert == null && tls.key == null) {
            throw usage(new BenchOptionException(Code.RPC_TLS_NEEDS_CLIENT_CERT, "the binary protocol over TLS"
                    + " presents a client certificate: give --cert and --key too, or use --protocol http with"
                    + " --cacert alone"));
        }
    }

    private ParameterException usage(BenchOptionException e) {
        return new ParameterException(spec.commandLine(), e.line(), e);
    }

    /**
     * How {@code bench} reports a command line it cannot run: {@code Error: CODE: sentence} (the code of
     * a {@link BenchOptionException}, or {@code BAD_FLAG} for what picocli itself refused), then the
     * usage; exit 2.
     */
    static int usageError(ParameterException e) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("Error: " + (e.getCause() instanceof BenchOptionException b ? b.line()
                : Code.BAD_FLAG + ": " + e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.print(cl.getUsageMessage());
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
}
