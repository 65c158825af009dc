package org.understudy.bench.learner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One line about the machine, for a report read away from it: cores, memory, OS, Java. run.sh adds
 * {@code lscpu} and {@code df} above it; this line is there for a report written without run.sh.
 */
final class MachineLine {
    private MachineLine() {}

    static String describe() {
        String memory = "";
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = String.format(Locale.ROOT, "; %.0f GiB RAM", os.getTotalMemorySize() / (double) (1L << 30));
        }
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores" + memory + "; "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + "; Java " + Runtime.version() + " (" + System.getProperty("java.vm.name")
                + ")";
    }

    /** The type of the file system {@code dir} is on ({@code ext4}, {@code tmpfs}, ...). */
    static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "an unknown file system";
        }
    }
}
