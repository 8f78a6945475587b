package io.agentmesh.service.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The first admin credential of a secured mesh, so someone can issue the others: a token the
 * deployment supplies (a secret), or one the node makes and writes to a file only its user can
 * read. Nothing happens once an admin credential exists.
 */
public final class BootstrapAdmin {

    public static final String NAME = "bootstrap-admin";
    public static final String METRICS = "prometheus";
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);

    private BootstrapAdmin() {
    }

    /** A supplied viewer token for the Prometheus scrape job, installed when no live one of that name exists. */
    public static void ensureMetricsViewer(CredentialDao dao, String suppliedToken) {
        if (suppliedToken.isBlank() || dao.hasLive(Credentials.OPERATOR, METRICS)) {
            return;
        }
        requireOperatorToken("auth.metricsToken", suppliedToken);
        if (dao.hashExists(ApiKeys.hash(suppliedToken))) {
            LOG.warn("auth.metricsToken was revoked: it is not installed again; issue a new viewer token for Prometheus");
            return;
        }
        dao.insert(Credentials.OPERATOR, METRICS, Role.VIEWER, ApiKeys.hash(suppliedToken), "config");
        LOG.info("metrics viewer credential '{}' accepted from auth.metricsToken", METRICS);
    }

    private static void requireOperatorToken(String setting, String token) {
        if (!ApiKeys.looksLikeKey(token) || !token.startsWith(ApiKeys.OPERATOR_PREFIX)) {
            throw new IllegalArgumentException(setting + " must look like an operator token: mko_ followed "
                    + "by 20-96 characters (e.g. mko_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '='))");
        }
    }

    /** Returns the file written, or null. */
    public static Path ensure(CredentialDao dao, String suppliedToken, String tokenFile) {
        if (dao.anyLiveAdmin()) {
            return null;
        }
        if (!suppliedToken.isBlank()) {
            requireOperatorToken("auth.bootstrapToken", suppliedToken);
            if (dao.hashExists(ApiKeys.hash(suppliedToken))) {
                LOG.warn("no admin credential is live and auth.bootstrapToken was revoked: it is not installed again; "
                        + "set a new one (or leave it empty for a generated token in auth.bootstrapTokenFile)");
                return null;
            }
            dao.insert(Credentials.OPERATOR, NAME, Role.ADMIN, ApiKeys.hash(suppliedToken), "config");
            LOG.info("bootstrap admin credential '{}' accepted from auth.bootstrapToken", NAME);
            return null;
        }
        if (tokenFile.isBlank()) {
            LOG.warn("no admin credential exists and neither auth.bootstrapToken nor auth.bootstrapTokenFile is set: "
                    + "nobody can manage credentials until one is");
            return null;
        }
        String token = ApiKeys.newOperatorToken();
        Path file = Path.of(tokenFile).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the bootstrap admin token to " + file + ": " + e.getMessage(), e);
        }
        dao.insert(Credentials.OPERATOR, NAME, Role.ADMIN, ApiKeys.hash(token), "bootstrap");
        LOG.info("bootstrap admin token written to {} (mode 600): use it as MESH_TOKEN or --token", file);
        return file;
    }
}
