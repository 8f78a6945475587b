package io.agentmesh.service.tls;

import io.agentmesh.service.config.TlsSettings;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's TLS material read from PEM files (tls.certificate, tls.privateKey, tls.clientCa):
 * its key and chain, and the CAs it accepts client certificates from. A file that is missing or
 * holds no certificate or key stops the node at start with the file named.
 */
public record TlsMaterial(PrivateKey key, X509Certificate[] chain, List<X509Certificate> clientCas,
                          boolean needClientAuth) {

    public static TlsMaterial load(TlsSettings settings) {
        List<X509Certificate> chain = certificates(settings.getCertificate(), "tls.certificate");
        PrivateKey key = privateKey(settings.getPrivateKey());
        List<X509Certificate> cas = settings.getClientCa().isEmpty() ? List.of()
                : certificates(settings.getClientCa(), "tls.clientCa");
        return new TlsMaterial(key, chain.toArray(X509Certificate[]::new), cas, "need".equals(settings.getClientAuth()));
    }

    public boolean clientCertificates() {
        return !clientCas.isEmpty();
    }

    /** A PKCS#12 store holding the key and chain under alias "mesh". */
    public KeyStore keyStore(char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, password);
        ks.setKeyEntry("mesh", key, password, chain);
        return ks;
    }

    /** A PKCS#12 store of the client CAs. */
    public KeyStore trustStore(char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, password);
        for (int i = 0; i < clientCas.size(); i++) {
            ks.setCertificateEntry("client-ca-" + i, clientCas.get(i));
        }
        return ks;
    }

    private static List<X509Certificate> certificates(String file, String setting) {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(Path.of(file)); PEMParser pem = new PEMParser(r)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(setting + ": " + file + " holds no PEM certificate");
        }
        return out;
    }

    private static PrivateKey privateKey(String file) {
        try (Reader r = Files.newBufferedReader(Path.of(file)); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("tls.privateKey: cannot read " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("tls.privateKey: " + file + " holds no unencrypted PEM private key");
    }
}
