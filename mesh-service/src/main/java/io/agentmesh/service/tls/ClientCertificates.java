package io.agentmesh.service.tls;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** Who a verified client certificate speaks for: the CN of its subject (an agent id). */
public final class ClientCertificates {

    /** The servlet request attribute under which the server puts the client's verified chain. */
    public static final String SERVLET_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private ClientCertificates() {
    }

    public static Optional<String> subjectName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The leaf of a chain the TLS layer handed over (servlet attribute or SSL session), if any. */
    public static Optional<X509Certificate> leaf(Object chain) {
        if (chain instanceof X509Certificate[] certs && certs.length > 0) {
            return Optional.of(certs[0]);
        }
        if (chain instanceof java.security.cert.Certificate[] certs && certs.length > 0
                && certs[0] instanceof X509Certificate x) {
            return Optional.of(x);
        }
        return Optional.empty();
    }
}
