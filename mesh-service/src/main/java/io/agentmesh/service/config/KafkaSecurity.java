package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.OneOf;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotNull;

/**
 * How the mesh's own Kafka clients log in: the protocol of the broker's listener and, for SASL,
 * the mesh's principal. PLAINTEXT (the default) sends no credentials.
 */
public class KafkaSecurity {

    @NotNull
    @OneOf({"PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"})
    @JsonProperty
    private String protocol = "PLAINTEXT";

    @NotNull
    @OneOf({"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    @JsonProperty
    private String saslMechanism = "SCRAM-SHA-512";

    @NotNull
    @JsonProperty
    private String username = "";

    @NotNull
    @JsonProperty
    private String password = "";

    /** PEM file of the CA that signed the broker's certificate (SSL and SASL_SSL); empty: the JVM's trust store. */
    @NotNull
    @JsonProperty
    private String truststorePem = "";

    public boolean sasl() {
        return protocol.startsWith("SASL_");
    }

    public boolean tls() {
        return protocol.endsWith("SSL");
    }

    @ValidationMethod(message = "kafka.security: a SASL protocol needs username and password "
            + "(without quotes or backslashes)")
    @JsonIgnore
    public boolean isLoginComplete() {
        return !sasl() || (!username.isEmpty() && !password.isEmpty() && plainText(username) && plainText(password));
    }

    private static boolean plainText(String s) {
        return s.indexOf('"') < 0 && s.indexOf('\\') < 0;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    public String getSaslMechanism() {
        return saslMechanism;
    }

    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getTruststorePem() {
        return truststorePem;
    }

    public void setTruststorePem(String truststorePem) {
        this.truststorePem = truststorePem;
    }
}
