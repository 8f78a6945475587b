package io.agentmesh.service.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.config.OutboundSettings;
import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.config.Roles;
import io.agentmesh.service.config.ZooKeeperSettings;
import io.agentmesh.service.db.DatabaseBootstrap;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.KafkaHealthCheck;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.service.kafka.TopicAdmin;
import io.agentmesh.service.web.StrictJson;
import io.agentmesh.streams.topics.MeshTopics;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;

/**
 * What every feature of a node stands on: its identity and roles, the clients of PostgreSQL,
 * Kafka and ZooKeeper (built once, managed by Dropwizard), the topic catalogue, metrics, the drain
 * flag, the guard on outbound connections, the node's Kafka Streams applications' common stop
 * ({@link StreamsShutdown}, managed last by the application), and where REST resources go (those of the api role only on api nodes).
 */
public record Platform(Environment env, String nodeId, Roles roles, Clock clock, ObjectMapper mapper, MeshTopics topics,
                       MeshMetrics metrics, Jdbi jdbi, KafkaSettings kafka, KafkaClientProps kafkaProps, Admin admin,
                       TopicAdmin topicAdmin, MessagePublisher publisher, CuratorFramework curator,
                       String zookeeperBase, DrainControl drain, OutboundGuard outbound,
                       StreamsShutdown streamsShutdown) {

    /** Migrates the database, then builds and manages the shared clients. */
    public static Platform start(Environment env, String nodeId, Roles roles, KafkaSettings kafka,
                                 ZooKeeperSettings zookeeper, DataSourceFactory database, int maxRecordBytes,
                                 OutboundSettings outbound) {
        DatabaseBootstrap.migrate(database);
        io.agentmesh.service.db.StatementBounds.apply(database, io.agentmesh.service.db.StatementBounds.DEFAULT);
        KafkaClientProps props = new KafkaClientProps(kafka, "mesh-" + nodeId, maxRecordBytes);
        Admin admin = Admin.create(props.admin());
        MeshTopics topics = new MeshTopics(kafka.getTopicPrefix());
        Platform p = new Platform(env, nodeId, roles, Clock.systemUTC(), StrictJson.configure(env.getObjectMapper()),
                topics, new MeshMetrics(env.metrics()), jdbi(env, database), kafka,
                props, admin, new TopicAdmin(admin, topics, kafka, maxRecordBytes),
                new MessagePublisher(new KafkaProducer<>(props.producer("publisher")),
                        java.time.Duration.ofMillis(kafka.getSendTimeout().toMilliseconds())), zookeeper.curator(),
                zookeeper.getBasePath(), new DrainControl(), new OutboundGuard(outbound), new StreamsShutdown());
        // the ZooKeeper client starts before (and closes after) every feature that uses it
        env.lifecycle().manage(new io.dropwizard.lifecycle.Managed() {
            @Override
            public void start() {
                p.curator().start();
            }

            @Override
            public void stop() {
                p.curator().close();
            }
        });
        env.lifecycle().manage(p.topicAdmin());
        env.lifecycle().manage(p.publisher());
        env.healthChecks().register("kafka", new KafkaHealthCheck(admin));
        return p;
    }

    /** Registers a REST resource of the api role (agents' and operators' API): only on api nodes. */
    public void api(Object resource) {
        if (roles.api()) {
            env.jersey().register(resource);
        }
    }

    /** Registers a REST resource every node serves (health, drain, connections). */
    public void always(Object resource) {
        env.jersey().register(resource);
    }

    /**
     * Dropwizard's Jdbi, without SQL templating: its default engine wraps Jdbi's in one that cannot
     * cache, so every statement's text was parsed again (ANTLR) on every execution, 19 % of a
     * registration's samples under the registry bench. The mesh's SQL has no template attributes.
     */
    private static org.jdbi.v3.core.Jdbi jdbi(Environment env, DataSourceFactory database) {
        org.jdbi.v3.core.Jdbi jdbi = new JdbiFactory().build(env, database, "postgres");
        jdbi.setTemplateEngine(org.jdbi.v3.core.statement.TemplateEngine.NOP);
        return jdbi;
    }
}
