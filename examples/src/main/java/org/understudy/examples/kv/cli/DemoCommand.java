package org.understudy.examples.kv.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code raft-kv demo}: the README's first command (see {@link Demo}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a local 3-member cluster in this process and walk it through the learner lifecycle.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--keys", defaultValue = "2000", paramLabel = "N",
            description = "How many keys to write before the learner joins (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--verbose", description = "Show the members' logs (INFO) too.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!verbose && System.getProperty("raftkv.log.level") == null) {
            // Read by logback.xml when logging starts. ERROR, not WARN: the demo's learner start
            // makes the peers log (expected) refusals of its discovery probes.
            System.setProperty("raftkv.log.level", "ERROR");
        }
        return new Demo(spec.commandLine().getOut(), keys).run();
    }
}
