package io.agentmesh.service.grpc;

import com.google.protobuf.ByteString;
import io.agentmesh.proto.v1.Agent;
import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.proto.v1.MeshError;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.proto.v1.SendBatchResponse;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.service.registry.AgentKafkaAccess;
import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.messaging.BatchItemResult;
import io.agentmesh.service.messaging.BatchSendResult;
import io.agentmesh.service.registry.RegisterCommand;
import io.agentmesh.service.messaging.SendCommand;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.streams.envelope.MeshHeaders;

import java.util.LinkedHashMap;
import java.util.Map;

/** Between protobuf messages and the mesh's transport-neutral records. Empty strings mean absent. */
final class ProtoMapping {

    private static final com.fasterxml.jackson.databind.ObjectReader CARD_READER = new com.fasterxml.jackson.databind.ObjectMapper()
            .readerFor(new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });

    private ProtoMapping() {
    }

    static RegisterCommand command(RegisterRequest r) {
        Map<String, Object> metadata = new LinkedHashMap<>(r.getMetadataMap());
        return new RegisterCommand(blank(r.getId()), r.getName(), blank(r.getNamespace()),
                r.getCapabilitiesList(), blank(r.getEndpoint()), metadata, blank(r.getOwner()),
                r.getHeartbeatTtlMs() == 0 ? null : r.getHeartbeatTtlMs(), card(r.getCardJson()), blank(r.getDelivery()),
                blank(r.getHealthUrl()));
    }

    private static Map<String, Object> card(String json) {
        if (json.isEmpty()) {
            return null;
        }
        try {
            return CARD_READER.readValue(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw io.agentmesh.service.errors.MeshException.invalidField("card_json", "is not a JSON object: "
                    + e.getOriginalMessage());
        }
    }

    static SendBatchResponse batch(BatchSendResult r) {
        SendBatchResponse.Builder b = SendBatchResponse.newBuilder().setAccepted(r.accepted()).setRejected(r.rejected());
        for (BatchItemResult item : r.results()) {
            b.addResults(result(item));
        }
        return b.build();
    }

    static SendResult result(BatchItemResult item) {
        SendResult.Builder one = SendResult.newBuilder().setIndex(item.index());
        if (item.id() != null) {
            one.setId(item.id());
        }
        if (item.isAccepted()) {
            one.setTopic(item.topic()).setPartition(item.partition()).setOffset(item.offset());
        } else {
            MeshError.Builder e = MeshError.newBuilder().setCode(item.error().code()).setMessage(item.error().message())
                    .setHttpStatus(item.error().status());
            if (item.error().details() != null) {
                item.error().details().forEach((k, v) -> e.putDetails(k, String.valueOf(v)));
            }
            one.setError(e);
        }
        return one.build();
    }

    static SendCommand command(SendRequest r) {
        Map<String, String> extensions = new LinkedHashMap<>();
        if (!r.getStrategy().isEmpty()) {
            extensions.put(MeshHeaders.EXT_STRATEGY, r.getStrategy());
        }
        if (!r.getExpiresAt().isEmpty()) {
            extensions.put(MeshHeaders.EXT_EXPIRES_AT, r.getExpiresAt());
        }
        if (r.getMaxAttempts() != 0) {
            extensions.put(MeshHeaders.EXT_MAX_ATTEMPTS, Integer.toString(r.getMaxAttempts()));
        }
        if (r.getRetryDelayMs() != 0) {
            extensions.put(MeshHeaders.EXT_RETRY_DELAY_MS, Long.toString(r.getRetryDelayMs()));
        }
        return new SendCommand(blank(r.getTo()), blank(r.getFrom()), blank(r.getType()), blank(r.getId()),
                blank(r.getCorrelationId()), blank(r.getKey()), r.getPayload().toByteArray(),
                blank(r.getContentType()), null, extensions);
    }

    /** A registration's answer: the agent, plus its key and Kafka login when they were issued. */
    static Agent withCredentials(Agent agent, String apiKey, AgentKafkaAccess.Login kafka) {
        if (apiKey == null) {
            return agent;
        }
        Agent.Builder b = agent.toBuilder().setApiKey(apiKey);
        if (kafka != null) {
            b.setKafka(io.agentmesh.proto.v1.KafkaLogin.newBuilder().setBootstrap(kafka.bootstrap())
                    .setSecurityProtocol(kafka.securityProtocol()).setSaslMechanism(kafka.saslMechanism())
                    .setUsername(kafka.username()).setPassword(kafka.password()).setTopic(kafka.topic())
                    .setGroup(kafka.group()));
        }
        return b.build();
    }

    static Agent agent(AgentView a) {
        Agent.Builder b = Agent.newBuilder()
                .setId(a.id()).setName(a.name()).setNamespace(a.namespace())
                .addAllCapabilities(a.capabilities())
                .setStatus(a.status()).setInboxTopic(a.inboxTopic())
                .setCreatedAt(a.createdAt()).setUpdatedAt(a.updatedAt())
                .setHeartbeatTtlMs(a.heartbeatTtlMs());
        if (a.owner() != null) {
            b.setOwner(a.owner());
        }
        if (a.endpoint() != null) {
            b.setEndpoint(a.endpoint());
        }
        set(a.healthUrl(), b::setHealthUrl);
        set(a.lastSeen(), b::setLastSeen);
        set(a.seenVia(), b::setSeenVia);
        a.metadata().forEach((k, v) -> b.putMetadata(k, String.valueOf(v)));
        return b.build();
    }

    static InboxMessage message(InboxRecord r) {
        InboxMessage.Builder b = InboxMessage.newBuilder()
                .setPayload(ByteString.copyFrom(r.payload()))
                .setPartition(r.partition())
                .setOffset(r.offset())
                .putAllAttributes(r.attributes());
        set(r.id(), b::setId);
        set(r.from(), b::setFrom);
        set(r.to(), b::setTo);
        set(r.type(), b::setType);
        set(r.time(), b::setTime);
        set(r.correlationId(), b::setCorrelationId);
        set(r.contentType(), b::setContentType);
        return b.build();
    }

    private static void set(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
