package org.understudy.raft.storage.chronicle;

/**
 * Settings Chronicle reads once, when its first class loads; so every entry point of this module
 * calls {@link #prepare()} before it touches a Chronicle class.
 *
 * <p>This class itself must not refer to Chronicle: loading it has to stay free of side effects.
 */
final class ChronicleRuntime {

    private ChronicleRuntime() {}

    private static volatile boolean prepared;

    /**
     * Turns Chronicle's usage analytics off (nothing may phone home; the analytics artifact is
     * also excluded from the build) and its start-up announcements, unless the operator set the
     * properties explicitly. Idempotent.
     */
    static void prepare() {
        if (prepared) {
            return;
        }
        setIfAbsent("chronicle.analytics.disable", "true");
        // Chronicle prints which features and versions it loaded; keep start-up logs quiet.
        setIfAbsent("chronicle.announcer.disable", "true");
        prepared = true;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
