package org.understudy.raft.transport.netty.peer;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.understudy.raft.transport.netty.tls.TlsSettings;

/**
 * Whether a peer that dialled this node over TLS is authenticated as strongly as this node would
 * authenticate it by dialling it: a node may answer a peer on the peer's connection (a two-way
 * connection) only then, so that answering there never sends a message to a party a dial would
 * have refused.
 *
 * <ul>
 *   <li>Without mutual TLS the dialler showed no certificate: anyone could claim the peer's id, so
 *       never.</li>
 *   <li>With mutual TLS the TLS handshake already verified the certificate against the trusted CAs.
 *       With {@code verifyHostname} (the default) a dial would also check that the certificate
 *       names the host configured for the peer, so the client certificate must name it too: an IP
 *       literal as an {@code IP:} subject alternative name, a host name as a {@code DNS:} one
 *       (case-insensitive; a leading {@code *.} matches one label).</li>
 * </ul>
 */
final class ClientCertificates {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private ClientCertificates() {}

    /** Whether the client on {@code ch} is authenticated as the peer at {@code configured}. */
    static boolean authenticates(Channel ch, PeerAddress configured, TlsSettings tls) {
        if (!tls.mutualTls()) {
            return false;
        }
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return false;
        }
        Certificate[] chain;
        try {
            chain = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return false;
        }
        return !tls.verifyHostname() || names(leaf, configured.host());
    }

    /** Whether {@code certificate}'s subject alternative names include {@code host}. */
    static boolean names(X509Certificate certificate, String host) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        for (List<?> name : names) {
            int type = (Integer) name.get(0);
            String value = String.valueOf(name.get(1));
            if (ip != null && type == SAN_IP) {
                byte[] san = NetUtil.createByteArrayFromIpAddressString(value);
                if (san != null && Arrays.equals(ip, san)) {
                    return true;
                }
            } else if (ip == null && type == SAN_DNS && dnsMatches(value, host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(p.substring(1));
        }
        return p.equals(h);
    }
}
