package org.understudy.raft.spi.kit;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test passes on to a child JVM it starts: this JVM's module flags and the properties an
 * engine needs (Chronicle's {@code --add-exports}/{@code --add-opens}, {@code -Dchronicle.*},
 * {@code -Djna.*}), and the quoting of a {@code java @argfile}. Shared by the crash kit's
 * {@link ChildJvm} and other modules' multi-process tests.
 */
public final class ChildJvmArgs {

    private static final List<String> INHERITED_PREFIXES = List.of("--add-exports", "--add-opens", "--add-modules",
            "--add-reads", "--enable-native-access", "--sun-misc-unsafe-memory-access", "-Dchronicle.", "-Djna.");

    private ChildJvmArgs() {}

    /** This JVM's flags that an engine may need in the child as well. */
    public static List<String> inherited() {
        List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String arg = in.get(i);
            if (INHERITED_PREFIXES.stream().anyMatch(arg::startsWith)) {
                out.add(arg);
                // "--add-opens java.base/java.lang=ALL-UNNAMED" written as two words: keep the value too.
                if (arg.startsWith("--") && !arg.contains("=") && i + 1 < in.size()) {
                    out.add(in.get(++i));
                }
            }
        }
        return out;
    }

    /** One argument per line, quoted, as {@code java @file} reads it (a backslash escapes inside quotes). */
    public static List<String> quotedForArgFile(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            out.add('"' + a.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return out;
    }
}
