package org.understudy.examples.kv.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.understudy.examples.kv.node.ClientPortTls;
import org.understudy.examples.kv.node.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The TLS options of the commands that talk to a cluster's client ports ({@code ctl}, {@code bench}),
 * in etcdctl's spelling: {@code --cacert} switches to TLS and names the CA the members' certificates
 * must chain to; {@code --cert}/{@code --key} add a client certificate (required by
 * {@code server --client-cert-auth}). Used as a picocli mixin, so both commands take and check them
 * the same way.
 */
final class ClientTlsOptions {

    @Option(names = "--cacert", paramLabel = "FILE", description = "Talk https and verify the members' certificates"
            + " with these PEM CA certificates (the members' --tls-ca), for a cluster started with --tls-*.")
    Path cacert;

    @Option(names = "--cert", paramLabel = "FILE", description = "With --cacert: present this PEM client certificate"
            + " (needed when the members run with --client-cert-auth).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --cert.")
    Path key;

    /** Whether TLS is on ({@code --cacert}). */
    boolean enabled() {
        return cacert != null;
    }

    /** Whether a client certificate is presented ({@code --cert}). */
    boolean clientCertificate() {
        return cert != null;
    }

    /**
     * The JDK context of these options, or null for plain connections.
     *
     * @param commandLine the command they belong to, for usage errors (exit 2)
     * @param endpoints the endpoints given, which must not say {@code http://} when TLS is on
     * @throws ParameterException when the options do not go together or the files do not load
     */
    SSLContext sslContext(CommandLine commandLine, List<String> endpoints) {
        String command = commandLine.getCommandName();
        if ((cert == null) != (key == null)) {
            throw new ParameterException(commandLine, "--cert and --key go together: give both or neither");
        }
        if (cacert == null) {
            if (cert != null) {
                throw new ParameterException(commandLine, "--cert and --key need --cacert (the CA that signed the"
                        + " members' certificates): " + command + " talks https only with it");
            }
            return null;
        }
        for (String endpoint : endpoints) {
            if (endpoint.strip().toLowerCase(Locale.ROOT).startsWith("http://")) {
                throw new ParameterException(commandLine, "--cacert talks https, but --endpoints has " + endpoint
                        + ": write it as HOST:PORT");
            }
        }
        try {
            return ClientPortTls.sslContext(cacert, cert, key);
        } catch (ConfigException e) {
            throw new ParameterException(commandLine, "--cacert/--cert/--key: " + e.getMessage());
        }
    }
}
