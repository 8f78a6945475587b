package io.agentmesh.tools.dev;

import io.agentmesh.embedded.LocalCertificates;
import io.agentmesh.service.config.TlsSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * ./mesh dev --tls: a throwaway CA and a server certificate for 127.0.0.1/localhost under
 * {@code <dataDir>/tls/}, made once and kept across restarts; the CA also signs clients'
 * certificates (mTLS, want).
 */
final class DevTls {

    private DevTls() {
    }

    static void apply(Path dir, TlsSettings tls) throws IOException, GeneralSecurityException {
        Path server = dir.resolve("server.pem");
        Path key = dir.resolve("server-key.pem");
        if (!Files.exists(server) || !Files.exists(key) || !Files.exists(dir.resolve("ca.pem"))) {
            LocalCertificates.create(dir, "Agent Mesh dev CA").server("server");
        }
        tls.setCertificate(server.toString());
        tls.setPrivateKey(key.toString());
        tls.setClientCa(dir.resolve("ca.pem").toString());
    }
}
