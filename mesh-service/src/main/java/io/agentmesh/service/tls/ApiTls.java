package io.agentmesh.service.tls;

import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API connector's TLS twin: same address and port, the node's PEM material handed to Jetty as
 * PKCS#12 stores in a private temporary directory (removed at exit), under a password that exists
 * only in this process.
 */
public final class ApiTls {

    private ApiTls() {
    }

    public static HttpsConnectorFactory connector(HttpConnectorFactory plain, TlsMaterial tls) {
        HttpsConnectorFactory https = new HttpsConnectorFactory();
        https.setBindHost(plain.getBindHost());
        https.setPort(plain.getPort());
        https.setIdleTimeout(plain.getIdleTimeout());
        try {
            Path dir = Files.createTempDirectory("mesh-tls-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            dir.toFile().deleteOnExit();
            char[] password = randomPassword();
            https.setKeyStorePath(store(dir.resolve("key.p12"), tls.keyStore(password), password).toString());
            https.setKeyStorePassword(new String(password));
            https.setKeyStoreType("PKCS12");
            if (tls.clientCertificates()) {
                https.setTrustStorePath(store(dir.resolve("client-ca.p12"), tls.trustStore(password), password).toString());
                https.setTrustStorePassword(new String(password));
                https.setTrustStoreType("PKCS12");
                https.setWantClientAuth(true);
                https.setNeedClientAuth(tls.needClientAuth());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("TLS: cannot write the API's key store: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS: cannot build the API's key store: " + e.getMessage(), e);
        }
        return https;
    }

    private static Path store(Path file, KeyStore ks, char[] password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password);
        }
        file.toFile().deleteOnExit();
        return file;
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}
