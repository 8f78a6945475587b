package io.agentmesh.service.kafka;

import io.agentmesh.service.config.KafkaSecurity;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.util.LinkedHashMap;
import java.util.Map;

/** Kafka client settings for a login: protocol, SASL mechanism and JAAS line, trust store. */
public final class KafkaLogins {

    private KafkaLogins() {
    }

    /** The mesh's own login, from {@code kafka.security}. */
    public static Map<String, Object> clientSettings(KafkaSecurity security) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, security.getProtocol());
        if (security.sasl()) {
            p.putAll(sasl(security.getSaslMechanism(), security.getUsername(), security.getPassword()));
        }
        if (security.tls() && !security.getTruststorePem().isEmpty()) {
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, security.getTruststorePem());
        }
        return p;
    }

    /** The SASL settings of a user and password (PLAIN or SCRAM). */
    public static Map<String, Object> sasl(String mechanism, String username, String password) {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return Map.of(SaslConfigs.SASL_MECHANISM, mechanism,
                SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + quoted(username)
                        + "\" password=\"" + quoted(password) + "\";");
    }

    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
