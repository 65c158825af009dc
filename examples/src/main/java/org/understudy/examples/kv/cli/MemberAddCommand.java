package org.understudy.examples.kv.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ctl member add NAME --peer-url HOST:PORT [--voter] [--wait]}: adds a learner (a voter
 * only with {@code --voter}, DESIGN.md §4 rule 3), prints how to start it, and with {@code --wait}
 * follows its catch-up as a progress bar (from the leader's {@code GET /v1/members} lag) until it is
 * ready to promote.
 */
@Command(name = "add", description = "Add a member (a learner unless --voter) and print how to start it.",
        mixinStandardHelpOptions = true)
final class MemberAddCommand implements Callable<Integer> {

    @ParentCommand
    CtlCommand.MemberCommand member;

    @Parameters(paramLabel = "NAME", description = "The new member's unique name.")
    String name;

    @Option(names = "--peer-url", required = true, paramLabel = "HOST:PORT",
            description = "Where the other members reach the new one's --listen-peer (repeatable).")
    List<String> peerUrls;

    @Option(names = "--voter", description = "Add a voter directly: the quorum grows at once, and until the new member"
            + " runs and catches up the cluster tolerates one failure fewer. Prefer a learner, then promote it.")
    boolean voter;

    @Option(names = "--wait", description = "Show the new member's catch-up as a progress bar until it is ready to promote.")
    boolean await;

    @Option(names = "--ready-lag", defaultValue = "10", paramLabel = "N",
            description = "With --wait: ready when the member lags at most N entries (default: ${DEFAULT-VALUE}).")
    long readyLag;

    @Option(names = "--wait-timeout", defaultValue = "10m", paramLabel = "DURATION",
            converter = CtlCommand.DurationConverter.class,
            description = "With --wait: give up after this long (default: ${DEFAULT-VALUE}).")
    Duration waitTimeout;

    @Override
    public Integer call() throws Exception {
        CtlCommand ctl = member.ctl;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("peerUrls", peerUrls);
        body.put("learner", !voter);
        CtlClient client = ctl.client();
        CtlClient.Reply r;
        try {
            r = client.send("POST", "/v1/members", CtlClient.json(body));
        } catch (CtlClient.Unreachable e) {
            return ctl.unreachable(e);
        }
        if (!r.ok()) {
            return ctl.error(r);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> added = (Map<String, Object>) r.json().getOrDefault("member", Map.of());
        String id = String.valueOf(added.get("id"));
        String initialCluster = String.valueOf(r.json().get("initialCluster"));
        if (ctl.format == CtlCommand.Format.json) {
            ctl.out().println(CtlClient.pretty(r.body()));
        } else {
            ctl.out().println("Added " + (voter ? "voter" : "learner") + " " + name + " with id " + id + ".");
            ctl.out().println("Start it with:");
            ctl.out().println("  raft-kv server --name " + name + " --data-dir <EMPTY DIR> --listen-peer " + peerUrls.get(0)
                    + " --listen-client <HOST:PORT> --initial-cluster-state existing --initial-cluster '"
                    + initialCluster + "'");
        }
        ctl.out().flush();
        return await ? waitUntilReady(client, id) : 0;
    }

    private int waitUntilReady(CtlClient client, String id) throws InterruptedException {
        CtlCommand ctl = member.ctl;
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        ProgressLine progress = new ProgressLine(ctl.out(), System.console() != null);
        while (System.nanoTime() < deadline) {
            Optional<Map<String, Object>> m = leaderView(client, id);
            if (m.isPresent()) {
                long match = MemberTable.number(m.get().get("matchIndex"));
                long lag = MemberTable.number(m.get().get("lag"));
                progress.update(name + " " + ProgressBar.render(match, lag));
                boolean learner = Boolean.TRUE.equals(m.get().get("learner"));
                if (match > 0 && lag >= 0 && lag <= readyLag) {
                    progress.end();
                    ctl.out().println(learner ? name + " has caught up: promote it with `raft-kv ctl member promote "
                            + id + "`" : name + " has caught up");
                    ctl.out().flush();
                    return 0;
                }
            }
            Thread.sleep(500); // polling a remote server's progress; nothing local to wait on
        }
        progress.end();
        ctl.err().println("Error: UNAVAILABLE: " + name + " did not catch up within "
                + waitTimeout.toSeconds() + " s; is it started, and can the leader reach it?");
        ctl.err().flush();
        return 1;
    }

    /** The member as the leader sees it (only the leader knows the lag), asked of the leader's client URL. */
    private static Optional<Map<String, Object>> leaderView(CtlClient client, String id) {
        try {
            Map<String, Object> json = CtlCommand.MemberCommand.leaderAnswer(client,
                    client.send("GET", "/v1/members", null)).json();
            return MemberTable.members(json).stream().filter(m -> String.valueOf(m.get("id")).equals(id)).findFirst();
        } catch (CtlClient.Unreachable e) {
            return Optional.empty();
        }
    }
}
