package org.understudy.raft.transport.netty.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI for TLS tests, made with the JDK's {@code keytool} (no extra dependency): a
 * cluster CA, node certificates it signs, and an intruder's self-signed certificate; everything
 * written as the PEM files {@link TlsSettings} reads (certificate chains, PKCS#8 keys). Public so that
 * the RPC's TLS tests use the same PKI.
 */
public final class TestPki {
    private static final String PASSWORD = "test-only";
    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

    /** The PEM files of one identity. */
    public record Identity(Path chain, Path key) {}

    private final Path dir;
    private final Path caPem;

    private TestPki(Path dir, Path caPem) {
        this.dir = dir;
        this.caPem = caPem;
    }

    /** Creates the CA in {@code dir}. */
    public static TestPki create(Path dir) throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=understudy-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", dir.resolve("ca.p12").toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path ca = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-storepass",
                PASSWORD, "-file", ca.toString());
        return new TestPki(dir, ca);
    }

    /** The CA certificate, to trust. */
    public Path caCertificate() {
        return caPem;
    }

    /** A certificate signed by the CA for {@code name}, valid for the given subject alternative names (e.g. {@code ip:127.0.0.1}). */
    public Identity issue(String name, String subjectAltNames) throws Exception {
        Path store = newKeyPair(name);
        Path csr = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file", csr.toString());
        Path cert = dir.resolve(name + ".pem");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-storepass", PASSWORD,
                "-infile", csr.toString(), "-outfile", cert.toString(), "-validity", "2",
                "-ext", "san=" + subjectAltNames, "-ext", "eku=serverAuth,clientAuth");
        Path chain = dir.resolve(name + "-chain.pem");
        Files.writeString(chain, Files.readString(cert) + Files.readString(caPem));
        return new Identity(chain, writeKey(store, name));
    }

    /** A self-signed certificate that no CA here vouches for. */
    public Identity selfSigned(String name) throws Exception {
        Path store = newKeyPair(name);
        Path cert = dir.resolve(name + ".pem");
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
                cert.toString());
        return new Identity(cert, writeKey(store, name));
    }

    private Path newKeyPair(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        return store;
    }

    /** The key of {@code alias} as PKCS#8 PEM ({@code Key.getEncoded()} of a private key is PKCS#8). */
    private Path writeKey(Path store, String alias) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Key key = ks.getKey(alias, PASSWORD.toCharArray());
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        Path pem = dir.resolve(alias + ".key.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
        return pem;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(KEYTOOL.toString());
        // keytool is a short-lived JVM: skip the optimizing compiler, it only slows start-up
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + command + "\n" + new String(output, StandardCharsets.UTF_8));
        }
    }
}
