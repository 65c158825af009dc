package org.understudy.examples.kv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code raft-kv}: the example store's command line (RAFT-KV.md) — {@code server}, {@code ctl},
 * {@code bench} and {@code demo}. Exit codes: 0 success, 1 a failure (printed with its code and a
 * sentence), 2 bad flags (printed with the usage).
 */
@Command(name = "raft-kv", mixinStandardHelpOptions = true, version = "raft-kv 0.1.0-SNAPSHOT",
        description = "A replicated key-value store built on Understudy (Raft with learners).",
        subcommands = {ServerCommand.class, CtlCommand.class, BenchCommand.class, DemoCommand.class})
public final class RaftKvMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: server, ctl, bench or demo");
    }

    /** The command line, set up as {@code main} runs it (exposed for tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RaftKvMain());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // bench prints a code with every bad option; the other commands keep picocli's usual message
        CommandLine.IParameterExceptionHandler usual = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, args) -> e.getCommandLine().getCommand() instanceof BenchCommand
                ? BenchCommand.usageError(e) : usual.handleParseException(e, args));
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
