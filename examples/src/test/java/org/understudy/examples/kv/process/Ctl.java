package org.understudy.examples.kv.process;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.understudy.examples.kv.cli.RaftKvMain;
import picocli.CommandLine;

/**
 * {@code raft-kv ctl} run in the test JVM (the same code path as the real command line, minus a JVM
 * start): it only talks HTTP to the servers, so nothing about it needs a process of its own.
 */
final class Ctl {
    /** What one {@code ctl} invocation printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private final String endpoints;

    /** @param endpoints {@code --endpoints}: client addresses, comma-separated */
    Ctl(String endpoints) {
        this.endpoints = endpoints;
    }

    Run run(String... args) {
        List<String> full = new ArrayList<>(List.of("ctl", "--endpoints", endpoints));
        full.addAll(List.of(args));
        CommandLine cl = RaftKvMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(full.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
