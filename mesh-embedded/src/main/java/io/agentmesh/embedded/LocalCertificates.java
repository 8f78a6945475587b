package io.agentmesh.embedded;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A throwaway certificate authority for one machine (./mesh dev --tls, tests): a CA, a server
 * certificate for 127.0.0.1 and localhost, and client certificates whose subject CN names an agent,
 * written as PEM files. Not for production: the CA's key lies beside its certificate.
 */
public final class LocalCertificates {

    /** Where one certificate and its key were written. */
    public record Issued(Path certificate, Path privateKey) {
    }

    private final Path dir;
    private final KeyPair caKey;
    private final X509Certificate ca;

    private LocalCertificates(Path dir, KeyPair caKey, X509Certificate ca) {
        this.dir = dir;
        this.caKey = caKey;
        this.ca = ca;
    }

    /** A new CA under {@code dir} (ca.pem, ca-key.pem). */
    public static LocalCertificates create(Path dir, String name) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        KeyPair key = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        try {
            JcaX509v3CertificateBuilder b = builder(subject, subject, key, Duration.ofDays(3650));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()));
            X509Certificate ca = sign(b, key);
            LocalCertificates out = new LocalCertificates(dir, key, ca);
            out.write("ca", ca, key);
            return out;
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate for 127.0.0.1, ::1 and localhost: {@code <name>.pem} (leaf then CA) and {@code <name>-key.pem}. */
    public Issued server(String name) throws IOException, GeneralSecurityException {
        GeneralNames san = new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.dNSName, "localhost")});
        return issue(name, "CN=localhost", san, KeyPurposeId.id_kp_serverAuth);
    }

    /** A client certificate whose subject CN is {@code agentId} (mTLS: the mesh takes the caller for that agent). */
    public Issued client(String name, String agentId) throws IOException, GeneralSecurityException {
        return issue(name, "CN=" + agentId, null, KeyPurposeId.id_kp_clientAuth);
    }

    private Issued issue(String name, String subject, GeneralNames san, KeyPurposeId purpose)
            throws IOException, GeneralSecurityException {
        KeyPair key = keyPair();
        try {
            JcaX509v3CertificateBuilder b = builder(new X500Name(ca.getSubjectX500Principal().getName()),
                    new X500Name(subject), key, Duration.ofDays(825));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            if (san != null) {
                b.addExtension(Extension.subjectAlternativeName, false, san);
            }
            X509Certificate cert = sign(b, caKey);
            return write(name, cert, key);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private Issued write(String name, X509Certificate cert, KeyPair key) throws IOException {
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(certFile, pem(cert) + (cert.equals(ca) ? "" : pem(ca)));
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, pem(key.getPrivate()));
        return new Issued(certFile, keyFile);
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            // a private key as PKCS#8 ("BEGIN PRIVATE KEY"), which every TLS stack reads
            w.writeObject(o instanceof java.security.PrivateKey k
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        }
        return out.toString();
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key, Duration valid) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(valid)), subject, key.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer)
            throws org.bouncycastle.operator.OperatorCreationException, GeneralSecurityException {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }
}
