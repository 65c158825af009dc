package org.understudy.examples.kv.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.understudy.raft.NodeIdFormat;

/**
 * Cluster and member ids derived from names, so every founder computes the same ones without
 * talking to the others (issue 7 design note):
 * <ul>
 *   <li>cluster id = hex of the first 8 bytes of SHA-256("understudy-cluster\0" + the sorted
 *       initial cluster);</li>
 *   <li>member id = a positive long from SHA-256("understudy-member\0" + cluster id + "\0" +
 *       name).</li>
 * </ul>
 * A member added later gets the id that the leader's membership service assigns.
 */
public final class ClusterIds {

    /**
     * How raft-kv writes member ids everywhere, hex (RAFT-KV.md); also handed to the library
     * (raft-core's {@code RaftConfig} and the membership options), so that its error messages name
     * a member the way {@code member list} shows it.
     */
    public static final NodeIdFormat ID_FORMAT = NodeIdFormat.HEX;

    private ClusterIds() {}

    public static String clusterId(InitialCluster cluster) {
        byte[] digest = sha256("understudy-cluster\0" + cluster.canonical());
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    public static long memberId(String clusterId, String name) {
        byte[] d = sha256("understudy-member\0" + clusterId + "\0" + name);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xff);
        }
        v &= Long.MAX_VALUE; // positive: prints the same signed or unsigned
        return v == 0 ? 1 : v; // 0 means "no node" in Raft
    }

    /** A member id as the API writes it (RAFT-KV.md: ids are hex strings). */
    public static String hex(long memberId) {
        return ID_FORMAT.format(memberId);
    }

    /**
     * Parses a hex member id.
     *
     * @throws IllegalArgumentException when it is not 1..16 hex digits
     */
    public static long parseHex(String text) {
        if (text == null || text.isEmpty() || text.length() > 16) {
            throw new IllegalArgumentException("member id '" + text + "' is not 1..16 hex digits");
        }
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member id '" + text + "' is not hex", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
