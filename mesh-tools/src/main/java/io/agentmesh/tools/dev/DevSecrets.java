package io.agentmesh.tools.dev;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The secured dev broker's secrets (the broker's and the mesh's passwords, the secret agents' Kafka
 * passwords derive from), made once and kept in a mode-600 file under the data directory, so a
 * restart keeps every agent's login working.
 */
record DevSecrets(String brokerPassword, String meshPassword, String agentSecret) {

    static DevSecrets load(Path file) {
        try {
            Properties p = new Properties();
            if (Files.exists(file)) {
                try (Reader r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
            }
            boolean changed = false;
            for (String key : new String[]{"broker.password", "mesh.password", "agent.secret"}) {
                if (p.getProperty(key, "").isEmpty()) {
                    p.setProperty(key, random());
                    changed = true;
                }
            }
            if (changed) {
                Files.createDirectories(file.getParent());
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (Writer w = Files.newBufferedWriter(file)) {
                    p.store(w, "Agent Mesh dev broker secrets (./mesh dev --auth); delete with the data directory");
                }
            }
            return new DevSecrets(p.getProperty("broker.password"), p.getProperty("mesh.password"),
                    p.getProperty("agent.secret"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "DevSecrets[hidden]";
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
