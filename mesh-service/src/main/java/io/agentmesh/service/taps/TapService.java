package io.agentmesh.service.taps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.service.kafka.TopicAdmin;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Creates, changes and ends taps: PostgreSQL holds them; each has its topic (made before the tap
 * runs, deleted by the leader once a deleted tap's retention has passed); the definitions topic
 * tells the taps application what to run; the reader's Kafka rights follow the tap. Every change of
 * one tap, and its republishing, holds that tap's lock, so the definitions topic has them in order.
 */
public final class TapService {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.taps");

    private final TapDao dao;
    private final TopicAdmin topicAdmin;
    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final ObjectMapper mapper;
    private final TapAccess access;
    private final Predicate<String> agentExists;
    private final SecureRandom random = new SecureRandom();

    /** {@code agentExists}: whether an agent is registered (a tap's reader must be). */
    public TapService(TapDao dao, TopicAdmin topicAdmin, MessagePublisher publisher, MeshTopics topics, ObjectMapper mapper,
                      TapAccess access, Predicate<String> agentExists) {
        this.dao = dao;
        this.topicAdmin = topicAdmin;
        this.publisher = publisher;
        this.topics = topics;
        this.mapper = mapper;
        this.access = access;
        this.agentExists = agentExists;
    }

    public List<Tap> list() {
        return dao.live();
    }

    public Tap get(String name) {
        return dao.find(name).filter(t -> !t.deleted()).orElseThrow(() -> notFound(name));
    }

    public Tap create(TapRequest r, String by) {
        requireReader(r.reader());
        return dao.locked(r.name(), () -> {
            dao.find(r.name()).ifPresent(existing -> {
                throw taken(existing);
            });
            byte[] key = new byte[32];
            random.nextBytes(key);
            int partitions = r.partitions() == null ? TapRequest.DEFAULT_PARTITIONS : r.partitions();
            Tap tap = new Tap(r.name(), topics.tap(r.name()), r.filter(), r.payload(), Base64.getEncoder().encodeToString(key),
                    r.retentionMs(), partitions, r.reader(), by, null, null, null);
            // the topic exists before the tap runs: the application never writes to a topic that is not there
            topicAdmin.ensureTap(tap.topic(), partitions, r.retentionMs());
            if (!dao.insert(tap)) {
                throw taken(dao.find(r.name()).orElse(tap));
            }
            if (tap.reader() != null) {
                access.grant(tap.reader(), tap.topic(), TapAccess.groupPrefix(tap.name()));
            }
            publish(tap);
            LOG.info("tap {} created by {}: {} ({})", tap.name(), by, tap.filter(), tap.payload().mode());
            return get(tap.name());
        });
    }

    /** Changes the fields the request gives; the others stay. */
    public Tap update(TapRequest r) {
        if (r.given().contains("reader")) {
            requireReader(r.reader());
        }
        return dao.locked(r.name(), () -> {
            Tap before = get(r.name());
            if (r.partitions() != null && r.partitions() != before.partitions()) {
                throw MeshException.invalidField("partitions", "is fixed when the tap is created (" + before.partitions() + ")");
            }
            Tap after = r.applyTo(before);
            if (after.retentionMs() != before.retentionMs()) {
                topicAdmin.retain(after.topic(), after.retentionMs());
            }
            if (!dao.update(after)) {
                throw notFound(r.name());
            }
            if (before.reader() != null && !before.reader().equals(after.reader())) {
                access.revoke(before.reader(), before.topic(), TapAccess.groupPrefix(before.name()));
            }
            if (after.reader() != null) {
                access.grant(after.reader(), after.topic(), TapAccess.groupPrefix(after.name()));
            }
            publish(after);
            return get(after.name());
        });
    }

    /** Ends a tap at once; its reader loses its rights, and the leader deletes its topic after its retention. */
    public Tap delete(String name) {
        return dao.locked(name, () -> {
            Tap tap = get(name);
            if (!dao.markDeleted(name)) {
                throw notFound(name);
            }
            if (tap.reader() != null) {
                access.revoke(tap.reader(), tap.topic(), TapAccess.groupPrefix(tap.name()));
            }
            // if this write fails, the leader's next round writes it (the tap is deleted in PostgreSQL)
            end(name);
            LOG.info("tap {} deleted; its topic {} goes in {} ms", name, tap.topic(), tap.retentionMs());
            return dao.find(name).orElse(tap);
        });
    }

    /**
     * The leader's round, tap by tap under its lock: a live tap's topic made again if it is missing
     * and its definition written again; a deleted tap's end written again; once its retention has
     * passed, its topic deleted and the tap forgotten.
     */
    public void reconcile(Instant now) {
        for (Tap listed : dao.all()) {
            dao.locked(listed.name(), () -> {
                Tap tap = dao.find(listed.name()).orElse(null);
                if (tap == null) {
                    return null;
                }
                if (!tap.deleted()) {
                    topicAdmin.ensureTap(tap.topic(), tap.partitions(), tap.retentionMs());
                    publish(tap);
                } else {
                    end(tap.name());
                    if (!tap.deletedAt().plusMillis(tap.retentionMs()).isAfter(now)) {
                        topicAdmin.deleteTopic(tap.topic());
                        dao.remove(tap.name());
                        LOG.info("tap {}: topic {} deleted, its retention after the tap's end has passed", tap.name(), tap.topic());
                    }
                }
                return null;
            });
        }
    }

    private void requireReader(String reader) {
        if (reader != null && !agentExists.test(reader)) {
            throw MeshException.invalidField("reader", "no agent '" + reader + "' is registered: register the team's agent "
                    + "first (its Kafka login reads the tap)");
        }
    }

    private void publish(Tap tap) {
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(tap.definition());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        write(tap.name(), value, "publish tap " + tap.name());
    }

    private void end(String name) {
        write(name, null, "end tap " + name);
    }

    private void write(String name, byte[] value, String action) {
        KafkaFailures.await(publisher.publish(new ProducerRecord<>(topics.tapDefinitions(),
                name.getBytes(StandardCharsets.UTF_8), value), action), action);
    }

    private static MeshException notFound(String name) {
        return new MeshException(ErrorCode.NOT_FOUND, "no tap '" + name + "'", Map.of("tap", name));
    }

    private static MeshException taken(Tap existing) {
        if (existing.deleted()) {
            return new MeshException(ErrorCode.CONFLICT, "tap '" + existing.name() + "' was deleted; its topic is kept until "
                    + existing.deletedAt().plusMillis(existing.retentionMs()) + " and the name is free after that",
                    Map.of("tap", existing.name()));
        }
        return new MeshException(ErrorCode.CONFLICT, "tap '" + existing.name() + "' exists (PUT /api/v1/taps/"
                + existing.name() + " changes it)", Map.of("tap", existing.name()));
    }
}
