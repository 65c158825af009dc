package org.understudy.examples.kv.process;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every multi-process test shares: a work directory (kept when the test fails, for its logs)
 * and the {@link ProcessCluster} the test starts in it, whose processes are all stopped afterwards.
 */
abstract class ProcessClusterTestBase {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
