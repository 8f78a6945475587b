package io.agentmesh.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.config.AuthSettings;
import io.agentmesh.service.config.DevSettings;
import io.agentmesh.service.config.OutboundSettings;
import io.agentmesh.service.config.TlsSettings;
import io.agentmesh.service.config.TlsSettings;
import io.agentmesh.service.config.LimitsSettings;
import io.agentmesh.service.config.GrpcSettings;
import io.agentmesh.service.config.HealthSettings;
import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.config.MessagesSettings;
import io.agentmesh.service.config.RedisSettings;
import io.agentmesh.service.config.RoutingSettings;
import io.agentmesh.service.config.StreamsSettings;
import io.agentmesh.service.config.ZooKeeperSettings;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.validation.ValidationMethod;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The whole configuration, one validated section per concern (see config.yml). */
public class MeshConfiguration extends Configuration {

    /** This node's name in the cluster; empty means host name + REST port. */
    @Pattern(regexp = "[a-zA-Z0-9._-]{0,64}")
    @JsonProperty
    private String nodeId = "";

    /** What this node runs, a comma list of api, grpc, router, monitor (see Roles). */
    @NotNull
    @Pattern(regexp = io.agentmesh.service.config.Roles.PATTERN, message = "must be a comma list of api, grpc, router, monitor")
    @JsonProperty
    private String roles = io.agentmesh.service.config.Roles.ALL;

    @Valid @NotNull @JsonProperty
    private KafkaSettings kafka = new KafkaSettings();

    @Valid @NotNull @JsonProperty
    private StreamsSettings streams = new StreamsSettings();

    @Valid @NotNull @JsonProperty
    private MessagesSettings messages = new MessagesSettings();

    @Valid @NotNull @JsonProperty
    private RoutingSettings routing = new RoutingSettings();

    @Valid @NotNull @JsonProperty
    private DataSourceFactory database = new DataSourceFactory();

    @Valid @NotNull @JsonProperty
    private RedisSettings redis = new RedisSettings();

    @Valid @NotNull @JsonProperty
    private ZooKeeperSettings zookeeper = new ZooKeeperSettings();

    /** Dropwizard's own "health" section is its health-check servlet; ours is "monitor". */
    @Valid @NotNull @JsonProperty("monitor")
    private HealthSettings monitor = new HealthSettings();

    @Valid @NotNull @JsonProperty
    private GrpcSettings grpc = new GrpcSettings();

    @Valid @NotNull @JsonProperty
    private DevSettings dev = new DevSettings();

    @Valid @NotNull @JsonProperty
    private AuthSettings auth = new AuthSettings();

    @Valid @NotNull @JsonProperty
    private LimitsSettings limits = new LimitsSettings();

    @Valid @NotNull @JsonProperty
    private OutboundSettings outbound = new OutboundSettings();

    @Valid @NotNull @JsonProperty
    private TlsSettings tls = new TlsSettings();

    public TlsSettings getTls() {
        return tls;
    }

    public OutboundSettings getOutbound() {
        return outbound;
    }

    public LimitsSettings getLimits() {
        return limits;
    }

    public AuthSettings getAuth() {
        return auth;
    }

    /**
     * The admin servlets (tasks, threads, Dropwizard's health checks) must not share the API's
     * port: the server is Dropwizard's default type, with its own admin connector.
     */
    @ValidationMethod(message = "kafka.agentAccess needs authentication (auth.enabled: true: logins are handed out "
            + "with agents' API keys) and a SASL login for the mesh itself (kafka.security.protocol SASL_PLAINTEXT or SASL_SSL)")
    @JsonIgnore
    public boolean isKafkaAgentAccessSecured() {
        return !getKafka().getAgentAccess().isEnabled() || (getAuth().isEnabled() && getKafka().getSecurity().sasl());
    }

    @ValidationMethod(message = "kafka.security.username may not start with kafka.agentAccess.principalPrefix "
            + "(the mesh would take its own principal for an agent's)")
    @JsonIgnore
    public boolean isMeshPrincipalOutsideAgentPrefix() {
        return !getKafka().getAgentAccess().isEnabled()
                || !getKafka().getSecurity().getUsername().startsWith(getKafka().getAgentAccess().getPrincipalPrefix());
    }

    @ValidationMethod(message = "server.type must be 'default' with applicationConnectors (the API, port 3005) and "
            + "adminConnectors (admin servlets, 127.0.0.1:3025): the admin servlets may not share the API's port")
    @JsonIgnore
    public boolean isAdminOnItsOwnConnector() {
        return getServerFactory() instanceof DefaultServerFactory d && !d.getApplicationConnectors().isEmpty()
                && !d.getAdminConnectors().isEmpty();
    }

    /** The API connector (the first application connector). */
    @JsonIgnore
    public HttpConnectorFactory apiConnector() {
        if (getServerFactory() instanceof DefaultServerFactory d && !d.getApplicationConnectors().isEmpty()
                && d.getApplicationConnectors().get(0) instanceof HttpConnectorFactory http) {
            return http;
        }
        throw new IllegalStateException("no HTTP application connector configured");
    }

    /** Replaces the API connector (the first application connector), e.g. with its TLS twin. */
    public void useApiConnector(HttpConnectorFactory connector) {
        if (!(getServerFactory() instanceof DefaultServerFactory d) || d.getApplicationConnectors().isEmpty()) {
            throw new IllegalStateException("no HTTP application connector configured");
        }
        List<io.dropwizard.jetty.ConnectorFactory> connectors = new ArrayList<>(d.getApplicationConnectors());
        connectors.set(0, connector);
        d.setApplicationConnectors(connectors);
    }

    /** Every address the node answers calls on: the API connectors and gRPC. */
    @JsonIgnore
    public List<String> listenHosts() {
        List<String> hosts = new ArrayList<>();
        if (getServerFactory() instanceof DefaultServerFactory d) {
            d.getApplicationConnectors().forEach(c -> hosts.add(c instanceof HttpConnectorFactory h ? h.getBindHost() : null));
        }
        if (getRoles().grpc()) {
            hosts.add(grpc.getBindHost());
        }
        return hosts;
    }

    public String getNodeId() {
        return nodeId;
    }

    public io.agentmesh.service.config.Roles getRoles() {
        return io.agentmesh.service.config.Roles.parse(roles);
    }

    public KafkaSettings getKafka() {
        return kafka;
    }

    public StreamsSettings getStreams() {
        return streams;
    }

    public MessagesSettings getMessages() {
        return messages;
    }

    public RoutingSettings getRouting() {
        return routing;
    }

    public DataSourceFactory getDatabase() {
        return database;
    }

    public RedisSettings getRedis() {
        return redis;
    }

    public ZooKeeperSettings getZookeeper() {
        return zookeeper;
    }

    public HealthSettings getMonitor() {
        return monitor;
    }

    public GrpcSettings getGrpc() {
        return grpc;
    }

    public DevSettings getDev() {
        return dev;
    }

    /** The configured node id, else host name + REST port (stable across restarts), else a random suffix. */
    public String effectiveNodeId() {
        if (nodeId != null && !nodeId.isEmpty()) {
            return nodeId;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^a-zA-Z0-9.-]", "-");
        } catch (Exception e) {
            host = "node";
        }
        int port = isAdminOnItsOwnConnector() ? apiConnector().getPort() : 0;
        return host + "-" + (port > 0 ? Integer.toString(port) : UUID.randomUUID().toString().substring(0, 8));
    }
}
