package org.understudy.membership.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.understudy.membership.proto.Member;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/**
 * Checks the URLs of a member before it is added, and renders the {@code initial-cluster} value
 * the new member needs to start.
 *
 * <p>Why so strict: the seed's Figure 8 — etcd applied {@code member add} whatever the URL, so a
 * typo produced a voter that could never start, and the cluster lost its quorum with no way back.
 * A URL we refuse costs the operator one retry; a URL we accept and cannot use costs a member that
 * never catches up. So a peer URL must be exactly {@code scheme://host:port}: a known scheme, a
 * host, an explicit port in 1..65535, and nothing else (no user information: the URL is replicated
 * in the log and in every snapshot, so credentials must never be in it; no path, query or fragment:
 * the Raft transport would ignore them, which hides mistakes).
 *
 * <p>Every refusal is a {@link RaftException} with {@link ErrorCode#INVALID_PEER_URL}, a message
 * naming the URL and what is wrong, and the details {@value #DETAIL_URL} and {@value #DETAIL_PROBLEM}.
 */
public final class PeerUrls {

    /** Schemes a URL may use: plain or TLS transport, named either way. */
    public static final Set<String> SCHEMES = Set.of("tcp", "tls", "http", "https");
    /** Detail key: the URL as given. */
    public static final String DETAIL_URL = "url";
    /** Detail key: a short statement of what is wrong. */
    public static final String DETAIL_PROBLEM = "problem";

    private PeerUrls() {}

    /**
     * Parses and checks peer URLs (where other members reach this one's Raft transport).
     *
     * @return the URLs in normal form ({@code scheme://host:port}, scheme and host in lower case),
     *     in the order given; this is the form to store in the member record
     * @throws RaftException {@code INVALID_PEER_URL} when the list is empty, a URL is malformed,
     *     or a URL is given twice
     */
    public static List<String> peerUrls(Collection<String> urls) {
        if (urls == null || urls.isEmpty()) {
            throw invalid("", "no peer URL given",
                    "a member needs at least one peer URL, e.g. tcp://10.0.0.4:7001");
        }
        return parseAll(urls, true);
    }

    /**
     * Parses and checks client URLs (where clients reach the member). The same rules as peer URLs,
     * except that a path is allowed (a client endpoint may sit behind a proxy prefix). An empty
     * list is fine: a member need not serve clients.
     *
     * @return the URLs in normal form, in the order given
     * @throws RaftException {@code INVALID_PEER_URL} when a URL is malformed or given twice
     */
    public static List<String> clientUrls(Collection<String> urls) {
        if (urls == null || urls.isEmpty()) {
            return List.of();
        }
        return parseAll(urls, false);
    }

    /**
     * Parses one peer URL.
     *
     * @throws RaftException {@code INVALID_PEER_URL} naming the URL and what is wrong
     */
    public static URI parsePeerUrl(String url) {
        return parse(url, true);
    }

    /**
     * Refuses peer URLs that another member already uses: two members at one address would
     * receive each other's traffic.
     *
     * @param peerUrls normal-form URLs (from {@link #peerUrls})
     * @param members the current members
     * @param exceptId a member allowed to keep its own URLs (when updating it), or 0
     * @throws RaftException {@code INVALID_PEER_URL} naming the URL and the member that uses it
     */
    public static void requireUnused(Collection<String> peerUrls, Collection<Member> members, long exceptId) {
        for (Member m : members) {
            if (m.getId() == exceptId) {
                continue;
            }
            for (String theirs : m.getPeerUrlsList()) {
                String normal;
                try {
                    normal = normalize(parse(theirs, true), true);
                } catch (RaftException e) {
                    normal = theirs; // an old record we would not accept today: compare as written
                }
                if (peerUrls.contains(normal)) {
                    throw invalid(normal, "already used by member " + m.getId()
                            + (m.getName().isEmpty() ? "" : " (" + m.getName() + ")"),
                            "peer URL " + normal + " is already used by member " + m.getId()
                                    + (m.getName().isEmpty() ? "" : " (" + m.getName() + ")")
                                    + "; each member needs its own address");
                }
            }
        }
    }

    /**
     * The {@code initial-cluster} value a new member starts with: {@code name=url} for every peer
     * URL of every member, comma-separated, in the order given (etcd's format, so operators can
     * reuse their tooling). A member without a name is written as {@code node-<id>}.
     *
     * @throws IllegalArgumentException when a name contains {@code '='} or {@code ','}, which the
     *     format cannot carry (names are checked on add by {@link MemberNames})
     */
    public static String initialCluster(Collection<Member> members) {
        StringBuilder out = new StringBuilder();
        for (Member m : members) {
            String name = m.getName().isEmpty() ? "node-" + Long.toUnsignedString(m.getId()) : m.getName();
            if (name.indexOf('=') >= 0 || name.indexOf(',') >= 0) {
                throw new IllegalArgumentException("member name '" + name
                        + "' contains '=' or ',', which the initial-cluster format cannot carry");
            }
            for (String url : m.getPeerUrlsList()) {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(name).append('=').append(url);
            }
        }
        return out.toString();
    }

    private static List<String> parseAll(Collection<String> urls, boolean peer) {
        List<String> out = new ArrayList<>(urls.size());
        Set<String> seen = new HashSet<>();
        for (String url : urls) {
            String normal = normalize(parse(url, peer), peer);
            if (!seen.add(normal)) {
                throw invalid(url, "given twice", kind(peer) + " URL " + url + " is given twice");
            }
            out.add(normal);
        }
        return List.copyOf(out);
    }

    private static URI parse(String url, boolean peer) {
        String kind = kind(peer);
        if (url == null || url.isBlank()) {
            throw invalid(url == null ? "" : url, "empty", "a " + kind + " URL is empty; expected e.g. "
                    + example(peer));
        }
        if (!url.equals(url.strip())) {
            throw invalid(url, "surrounding whitespace", kind + " URL '" + url
                    + "' has leading or trailing whitespace");
        }
        if (!url.contains("://")) {
            throw invalid(url, "no scheme", kind + " URL " + url + " is not of the form scheme://host:port; expected"
                    + " one of " + sortedSchemes() + ", e.g. " + example(peer));
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(url, "not a URL", kind + " URL " + url + " is not a URL (" + e.getReason()
                    + " at position " + e.getIndex() + "); expected e.g. " + example(peer));
        }
        String scheme = uri.getScheme();
        if (scheme == null || !SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            throw invalid(url, "unsupported scheme", kind + " URL " + url + " has scheme '" + scheme
                    + "'; expected one of " + sortedSchemes());
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw invalid(url, "no host", kind + " URL " + url + " has no host; expected scheme://host:port, e.g. "
                    + example(peer));
        }
        if (uri.getRawUserInfo() != null || authority.indexOf('@') >= 0) {
            throw invalid(url, "contains user information", kind + " URL " + url
                    + " contains user information; URLs are replicated to every member, so credentials must"
                    + " not be in them");
        }
        if (uri.getHost() == null) {
            throw badAuthority(url, kind, authority);
        }
        int port = uri.getPort();
        if (port == -1) {
            throw invalid(url, "no port", kind + " URL " + url + " has no port; give it explicitly, e.g. "
                    + example(peer));
        }
        if (port < 1 || port > 65_535) {
            throw invalid(url, "port out of range", kind + " URL " + url + " has port " + port
                    + ", outside 1..65535");
        }
        String path = uri.getRawPath();
        if (peer && path != null && !path.isEmpty() && !path.equals("/")) {
            throw invalid(url, "has a path", "peer URL " + url + " has a path (" + path
                    + "); a peer URL is only scheme://host:port");
        }
        if (uri.getRawQuery() != null) {
            throw invalid(url, "has a query", kind + " URL " + url + " has a query (?" + uri.getRawQuery()
                    + "), which would be ignored");
        }
        if (uri.getRawFragment() != null) {
            throw invalid(url, "has a fragment", kind + " URL " + url + " has a fragment (#"
                    + uri.getRawFragment() + "), which would be ignored");
        }
        return uri;
    }

    /** Lower-case scheme and host; a lone "/" path dropped; a client URL keeps its path. */
    private static String normalize(URI uri, boolean peer) {
        String base = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + ":" + uri.getPort();
        String path = uri.getRawPath();
        if (peer || path == null || path.isEmpty() || path.equals("/")) {
            return base;
        }
        return base + path;
    }

    /**
     * {@link URI} gives no host when the authority is not a valid host:port; say which half is wrong.
     */
    private static RaftException badAuthority(String url, String kind, String authority) {
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon >= 0 && colon > authority.lastIndexOf(']');
        String host = hasPort ? authority.substring(0, colon) : authority;
        String port = hasPort ? authority.substring(colon + 1) : "";
        if (hasPort && !port.isEmpty() && !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return invalid(url, "malformed port", kind + " URL " + url + " has a malformed port '" + port
                    + "'; expected a number in 1..65535");
        }
        if (hasPort && !port.isEmpty() && (port.length() > 5 || Integer.parseInt(port) > 65_535)) {
            return invalid(url, "port out of range", kind + " URL " + url + " has port " + port
                    + ", outside 1..65535");
        }
        if (host.isEmpty()) {
            return invalid(url, "no host", kind + " URL " + url + " has no host; expected scheme://host:port");
        }
        return invalid(url, "invalid host", kind + " URL " + url + " has an invalid host '" + host
                + "'; expected a host name (letters, digits, '-' and '.'), an IPv4 address or a bracketed IPv6 address");
    }

    private static String kind(boolean peer) {
        return peer ? "peer" : "client";
    }

    private static String example(boolean peer) {
        return peer ? "tcp://10.0.0.4:7001" : "http://10.0.0.4:8001";
    }

    private static String sortedSchemes() {
        return String.join(", ", SCHEMES.stream().sorted().toList());
    }

    private static RaftException invalid(String url, String problem, String message) {
        return new RaftException(ErrorCode.INVALID_PEER_URL, message, Map.of(DETAIL_URL, url, DETAIL_PROBLEM, problem));
    }
}
