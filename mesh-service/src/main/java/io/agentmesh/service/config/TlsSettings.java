package io.agentmesh.service.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.OneOf;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotNull;

/**
 * TLS for the API (REST) and gRPC ports from PEM files. With {@code clientCa}, clients may (want)
 * or must (need) present a certificate signed by it; its subject CN names the agent it speaks for.
 */
public class TlsSettings {

    /** The server's certificate chain (leaf first); empty: REST and gRPC in clear. */
    @NotNull
    @JsonProperty
    private String certificate = "";

    /** Its private key (PKCS#8, PKCS#1 or SEC1 PEM). */
    @NotNull
    @JsonProperty
    private String privateKey = "";

    /** CA certificates (PEM) that sign clients' certificates; empty: no client certificates. */
    @NotNull
    @JsonProperty
    private String clientCa = "";

    @NotNull
    @OneOf({"want", "need"})
    @JsonProperty
    private String clientAuth = "want";

    public boolean enabled() {
        return !certificate.isEmpty();
    }

    public boolean clientCertificates() {
        return enabled() && !clientCa.isEmpty();
    }

    @ValidationMethod(message = "tls: certificate and privateKey go together, and clientCa needs them")
    @JsonIgnore
    public boolean isComplete() {
        return certificate.isEmpty() == privateKey.isEmpty() && (clientCa.isEmpty() || enabled());
    }

    public String getCertificate() {
        return certificate;
    }

    public void setCertificate(String certificate) {
        this.certificate = certificate;
    }

    public String getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    public String getClientCa() {
        return clientCa;
    }

    public void setClientCa(String clientCa) {
        this.clientCa = clientCa;
    }

    public String getClientAuth() {
        return clientAuth;
    }
}
