package org.understudy.examples.kv.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code raft-kv ctl}: the operator's client for RAFT-KV.md's HTTP API. Table or JSON output; an
 * error prints its code and the server's sentence on stderr and exits 1; a member that cannot be
 * reached is skipped for the next endpoint. {@code --cacert} (etcdctl's spelling) switches to https
 * for a cluster started with {@code --tls-*}; {@code --cert}/{@code --key} add a client certificate
 * (required by {@code server --client-cert-auth}).
 */
@Command(name = "ctl", description = "Talk to a raft-kv cluster over its HTTP API.",
        mixinStandardHelpOptions = true,
        subcommands = {CtlCommand.MemberCommand.class, CtlCommand.EndpointCommand.class})
public final class CtlCommand {

    /** How results are printed. */
    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379", paramLabel = "HOST:PORT",
            description = "Client addresses of members, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = {"-w", "--write-out"}, defaultValue = "table", paramLabel = "table|json",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = DurationConverter.class, description = "Per-request timeout, e.g. 5s, 500ms (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    ClientTlsOptions tls;

    CtlClient client() {
        return new CtlClient(endpoints, timeout, tls.sslContext(spec.commandLine(), endpoints), tls.clientCertificate());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Command(name = "put", description = "Write VALUE under KEY.", mixinStandardHelpOptions = true)
    int put(@Parameters(paramLabel = "KEY") String key, @Parameters(paramLabel = "VALUE") String value,
            @Option(names = "--prev-revision", paramLabel = "R",
                    description = "Only if the key is at revision R (0: only if it does not exist).") Long prev)
            throws Exception {
        String path = "/v1/kv/" + CtlClient.encodeSegment(key) + (prev == null ? "" : "?prev_revision=" + prev);
        return call("PUT", path, value, r -> {
            out().println("OK, revision " + r.json().get("revision"));
        });
    }

    @Command(name = "get", description = "Read KEY.", mixinStandardHelpOptions = true)
    int get(@Parameters(paramLabel = "KEY") String key,
            @Option(names = "--serializable", description = "Read the answering member's local state (may be stale;"
                    + " a learner serves only these).") boolean serializable) throws Exception {
        String path = "/v1/kv/" + CtlClient.encodeSegment(key) + (serializable ? "?consistency=serializable" : "");
        return call("GET", path, null, r -> new Table("KEY", "VALUE", "REVISION")
                .row(r.json().get("key"), r.json().get("value"), r.json().get("revision")).print(out()));
    }

    @Command(name = "del", description = "Delete KEY.", mixinStandardHelpOptions = true)
    int del(@Parameters(paramLabel = "KEY") String key) throws Exception {
        return call("DELETE", "/v1/kv/" + CtlClient.encodeSegment(key), null, r -> out().println(
                (Boolean.TRUE.equals(r.json().get("deleted")) ? "deleted" : "not found (nothing to delete)")
                        + ", revision " + r.json().get("revision")));
    }

    /** Sends one request; prints the answer with {@code table} (or the JSON body), or the error. */
    int call(String method, String path, String body, java.util.function.Consumer<CtlClient.Reply> table)
            throws Exception {
        CtlClient.Reply r;
        try {
            r = client().send(method, path, body);
        } catch (CtlClient.Unreachable e) {
            return unreachable(e);
        }
        if (!r.ok()) {
            return error(r);
        }
        if (format == Format.json) {
            out().println(r.body().isBlank() ? "{}" : CtlClient.pretty(r.body()));
            out().flush();
        } else {
            table.accept(r);
            out().flush();
        }
        return 0;
    }

    int unreachable(CtlClient.Unreachable e) {
        err().println("Error: " + e.code() + ": " + e.getMessage());
        err().flush();
        return 1;
    }

    /** Prints an error answer: its code and sentence, plus its details (lag, leader, ...). */
    int error(CtlClient.Reply r) {
        Map<String, Object> json = r.json();
        String code = String.valueOf(json.getOrDefault("code", "HTTP_" + r.status()));
        String message = String.valueOf(json.getOrDefault("message", r.body().isBlank() ? "(no message)" : r.body()));
        Map<String, Object> details = new LinkedHashMap<>(json);
        details.remove("code");
        details.remove("message");
        if (format == Format.json) {
            err().println(r.body().isBlank() ? CtlClient.json(Map.of("code", code, "message", message))
                    : CtlClient.pretty(r.body()));
        } else {
            StringBuilder b = new StringBuilder("Error: " + code + ": " + message);
            if (!details.isEmpty()) {
                List<String> parts = new ArrayList<>();
                details.forEach((k, v) -> parts.add(k + "=" + v));
                b.append(" [").append(String.join(", ", parts)).append("]");
            }
            err().println(b);
        }
        err().flush();
        return 1;
    }

    // ------------------------------------------------------------------ member

    @Command(name = "member", description = "Add, promote, remove and list members.", mixinStandardHelpOptions = true,
            subcommands = {MemberAddCommand.class})
    static final class MemberCommand {
        @ParentCommand
        CtlCommand ctl;

        @Command(name = "promote", description = "Promote learner ID to a voter (refused while it lags).",
                mixinStandardHelpOptions = true)
        int promote(@Parameters(paramLabel = "ID") String id) throws Exception {
            return ctl.call("POST", "/v1/members/" + CtlClient.encodeSegment(id) + "/promote", "", r ->
                    ctl.out().println("member " + id + " promoted: it is a voter now"));
        }

        @Command(name = "remove", description = "Remove member ID.", mixinStandardHelpOptions = true)
        int remove(@Parameters(paramLabel = "ID") String id) throws Exception {
            return ctl.call("DELETE", "/v1/members/" + CtlClient.encodeSegment(id), null, r ->
                    ctl.out().println("member " + id + " removed"));
        }

        @Command(name = "list", description = "List the members with their roles and lag.", mixinStandardHelpOptions = true)
        int list() throws Exception {
            CtlClient client = ctl.client();
            CtlClient.Reply r;
            try {
                r = leaderAnswer(client, client.send("GET", "/v1/members", null));
            } catch (CtlClient.Unreachable e) {
                return ctl.unreachable(e);
            }
            if (!r.ok()) {
                return ctl.error(r);
            }
            if (ctl.format == Format.json) {
                ctl.out().println(CtlClient.pretty(r.body()));
            } else {
                MemberTable.of(r.json()).print(ctl.out());
            }
            ctl.out().flush();
            return 0;
        }

        /**
         * Only the leader knows each member's match index and lag: when another member answered,
         * ask the leader's client URL (from the same answer) again, keeping the first answer if
         * the leader cannot be reached.
         */
        static CtlClient.Reply leaderAnswer(CtlClient client, CtlClient.Reply first) {
            String leader = String.valueOf(first.json().getOrDefault("leader", ""));
            for (Map<String, Object> m : MemberTable.members(first.json())) {
                if (String.valueOf(m.get("id")).equals(leader)) {
                    List<String> urls = CtlCommand.list(m.get("clientUrls"));
                    if (!urls.isEmpty() && !urls.get(0).equals(first.endpoint())) {
                        try {
                            CtlClient.Reply r = client.sendTo(urls.get(0), "GET", "/v1/members", null);
                            return r.ok() ? r : first;
                        } catch (java.io.IOException e) {
                            return first;
                        }
                    }
                }
            }
            return first;
        }
    }

    // ------------------------------------------------------------------ endpoint

    @Command(name = "endpoint", description = "Status and health of each endpoint.", mixinStandardHelpOptions = true)
    static final class EndpointCommand {
        @ParentCommand
        CtlCommand ctl;

        @Command(name = "status", description = "Each endpoint's role, term, leader and indexes.",
                mixinStandardHelpOptions = true)
        int status() {
            return perEndpoint("/v1/status", new Table("ENDPOINT", "ID", "NAME", "ROLE", "TERM", "LEADER", "COMMIT",
                    "APPLIED", "LAST", "LEARNER"), (t, ep, r) -> {
                        Map<String, Object> j = r.json();
                        t.row(ep, j.get("id"), j.get("name"), j.get("role"), j.get("term"), j.get("leader"),
                                j.get("commitIndex"), j.get("appliedIndex"), j.get("lastIndex"), j.get("learner"));
                    }, false);
        }

        @Command(name = "health", description = "Whether each endpoint knows a leader and has applied what is committed.",
                mixinStandardHelpOptions = true)
        int health() {
            return perEndpoint("/health", new Table("ENDPOINT", "HEALTHY", "REASON"), (t, ep, r) -> t.row(ep,
                    r.status() == 200, r.json().getOrDefault("reason", r.json().getOrDefault("message", ""))), true);
        }

        private interface Row {
            void add(Table t, String endpoint, CtlClient.Reply r);
        }

        /** Asks every endpoint (not just the first that answers); exit 1 if any failed. */
        private int perEndpoint(String path, Table table, Row row, boolean healthCheck) {
            CtlClient client = ctl.client();
            List<Object> json = new ArrayList<>();
            boolean allOk = true;
            for (String ep : client.endpoints()) {
                try {
                    CtlClient.Reply r = client.sendTo(ep, "GET", path, null);
                    boolean ok = r.ok() || (healthCheck && r.status() == 503);
                    allOk &= r.ok();
                    if (ok) {
                        row.add(table, ep, r);
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("endpoint", ep);
                        entry.put(healthCheck ? "health" : "status", r.json());
                        if (healthCheck) {
                            entry.put("healthy", r.status() == 200);
                        }
                        json.add(entry);
                    } else {
                        ctl.error(r);
                    }
                } catch (java.io.IOException e) {
                    allOk = false;
                    ConnectionFailure failure = client.describe(ep, e);
                    String why = "unreachable: " + failure.code() + ": " + failure.sentence();
                    table.row(ep, why);
                    json.add(Map.of("endpoint", ep, "error", why));
                }
            }
            if (ctl.format == Format.json) {
                ctl.out().println(CtlClient.pretty(CtlClient.json(json)));
            } else {
                table.print(ctl.out());
            }
            ctl.out().flush();
            return allOk ? 0 : 1;
        }
    }

    /** Parses {@code 5s}, {@code 500ms}, {@code 2m}. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase();
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration like 5s, 500ms or 2m");
        }
    }

    static List<String> list(Object o) {
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return o == null ? List.of() : Arrays.asList(String.valueOf(o));
    }
}
