package io.agentmesh.service.grpc;

import io.agentmesh.proto.v1.A2aTask;
import io.agentmesh.proto.v1.AckRequest;
import io.agentmesh.proto.v1.UpdateA2aTaskRequest;
import io.agentmesh.service.a2a.TaskUpdates;
import io.agentmesh.proto.v1.AckResponse;
import io.agentmesh.proto.v1.ConnectRequest;
import io.agentmesh.proto.v1.Delivery;
import io.agentmesh.service.delivery.InboxSessions;
import io.agentmesh.service.delivery.LongPoll;
import io.agentmesh.service.delivery.Subscriptions;
import io.agentmesh.proto.v1.Agent;
import io.agentmesh.proto.v1.HeartbeatRequest;
import io.agentmesh.proto.v1.InboxMessage;
import io.agentmesh.proto.v1.RegisterRequest;
import io.agentmesh.proto.v1.RequestRequest;
import io.agentmesh.proto.v1.RequestResponse;
import io.agentmesh.proto.v1.SendBatchRequest;
import io.agentmesh.proto.v1.SendBatchResponse;
import io.agentmesh.proto.v1.SendRequest;
import io.agentmesh.proto.v1.SendResponse;
import io.agentmesh.proto.v1.SendResult;
import io.agentmesh.proto.v1.SubscribeRequest;
import io.agentmesh.service.registry.AgentLiveness;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.Enrollment;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.proto.v1.MeshServiceGrpc;
import io.agentmesh.service.messaging.BatchSender;
import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.messaging.RequestReply;
import io.agentmesh.service.messaging.SendCommand;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.delivery.DeliveryEvents;
import io.agentmesh.service.platform.MeshMetrics;
import io.agentmesh.streams.topics.AgentIds;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** mesh.v1.MeshService: the same semantics as the REST API. */
public final class MeshGrpcService extends MeshServiceGrpc.MeshServiceImplBase {

    private final AgentRegistry registry;
    private final AgentLiveness liveness;
    private final MessageService messages;
    private final BatchSender batches;
    private final SendStreams sendStreams;
    private final MeshMetrics metrics;
    private final RequestReply requests;
    private final DeliveryEvents deliveries;
    private final Subscriptions subscriptions;
    private final LongPoll longPoll;
    private final InboxSessions sessions;
    private final int maxCredit;
    private final Enrollment enrollment;
    private final GrpcAccess access;
    private final TaskUpdates a2aTasks;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;

    public MeshGrpcService(GrpcAccess access, Enrollment enrollment, AgentRegistry registry, AgentLiveness liveness, MessageService messages, BatchSender batches, SendStreams sendStreams, RequestReply requests,
                           Subscriptions subscriptions, LongPoll longPoll, InboxSessions sessions,
                           DeliveryEvents deliveries, MeshMetrics metrics, int maxCredit, TaskUpdates a2aTasks,
                           com.fasterxml.jackson.databind.ObjectMapper mapper) {
        this.access = access;
        this.a2aTasks = a2aTasks;
        this.mapper = mapper;
        this.enrollment = enrollment;
        this.registry = registry;
        this.liveness = liveness;
        this.messages = messages;
        this.batches = batches;
        this.sendStreams = sendStreams;
        this.requests = requests;
        this.subscriptions = subscriptions;
        this.longPoll = longPoll;
        this.sessions = sessions;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.maxCredit = maxCredit;
    }

    @Override
    public StreamObserver<ConnectRequest> connect(StreamObserver<Delivery> out) {
        MeshPrincipal caller = GrpcAccess.caller();
        return new ConnectCall(out, sessions, id -> ownInbox(caller, id, MeshServiceGrpc.getConnectMethod()), maxCredit);
    }

    @Override
    public void updateA2aTask(UpdateA2aTaskRequest request, StreamObserver<A2aTask> out) {
        try {
            MeshPrincipal caller = GrpcAccess.caller();
            java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.node.ObjectNode> recorded =
                    switch (request.getUpdateCase()) {
                        case STATUS_JSON -> a2aTasks.status(caller, request.getTaskId(), json("status_json",
                                request.getStatusJson()));
                        case ARTIFACT_JSON -> a2aTasks.artifact(caller, request.getTaskId(), json("artifact_json",
                                request.getArtifactJson()));
                        default -> throw MeshException.invalid("one of status_json or artifact_json is required");
                    };
            recorded.whenComplete((task, error) -> {
                if (error != null) {
                    out.onError(GrpcErrors.toStatus(error));
                    return;
                }
                out.onNext(A2aTask.newBuilder().setTaskJson(task == null ? "" : task.toString()).build());
                out.onCompleted();
            });
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    private com.fasterxml.jackson.databind.JsonNode json(String field, String text) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = mapper.readTree(text);
            if (node == null || !node.isObject()) {
                throw MeshException.invalidField(field, "a JSON object is required");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw MeshException.invalidField(field, "not JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<Agent> out) {
        try {
            Enrollment.Registered r = enrollment.register(GrpcAccess.caller(), ProtoMapping.command(request));
            Agent agent = ProtoMapping.agent(r.agent());
            out.onNext(ProtoMapping.withCredentials(agent, r.apiKey(), r.kafka()));
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<Agent> out) {
        try {
            out.onNext(ProtoMapping.agent(liveness.heartbeat(ownInbox(GrpcAccess.caller(), request.getAgentId(),
                            MeshServiceGrpc.getHeartbeatMethod()),
                    AgentLiveness.GRPC).agent()));
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void send(SendRequest request, StreamObserver<SendResponse> out) {
        try {
            messages.send(GrpcAccess.caller(), ProtoMapping.command(request)).whenComplete((result, error) -> {
                if (error == null) {
                    metrics.accepted();
                    out.onNext(SendResponse.newBuilder().setId(result.id()).setTopic(result.topic()).build());
                    out.onCompleted();
                } else {
                    metrics.rejected();
                    out.onError(GrpcErrors.toStatus(error));
                }
            });
        } catch (RuntimeException e) {
            metrics.rejected();
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void sendBatch(SendBatchRequest request, StreamObserver<SendBatchResponse> out) {
        try {
            List<Supplier<SendCommand>> commands = request.getMessagesList().stream()
                    .<Supplier<SendCommand>>map(m -> () -> ProtoMapping.command(m)).toList();
            batches.send(GrpcAccess.caller(), commands).whenComplete((result, error) -> {
                if (error != null) {
                    out.onError(GrpcErrors.toStatus(error));
                    return;
                }
                metrics.batch(result.accepted(), result.rejected());
                out.onNext(ProtoMapping.batch(result));
                out.onCompleted();
            });
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public StreamObserver<SendRequest> sendStream(StreamObserver<SendResult> out) {
        try {
            return sendStreams.open(GrpcAccess.caller(), (ServerCallStreamObserver<SendResult>) out);
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return new StreamObserver<>() {
                @Override
                public void onNext(SendRequest value) {
                    // the call is already refused
                }

                @Override
                public void onError(Throwable t) {
                    // nothing to end
                }

                @Override
                public void onCompleted() {
                    // nothing to end
                }
            };
        }
    }

    @Override
    public void request(RequestRequest request, StreamObserver<RequestResponse> out) {
        try {
            long timeout = request.getTimeoutMs() == 0 ? 30_000 : request.getTimeoutMs();
            requests.request(GrpcAccess.caller(), ProtoMapping.command(request.getMessage()), java.time.Duration.ofMillis(timeout))
                    .whenComplete((reply, error) -> {
                        if (error != null) {
                            out.onError(GrpcErrors.toStatus(error));
                            return;
                        }
                        out.onNext(RequestResponse.newBuilder().setRequestId(reply.requestId())
                                .setCorrelationId(reply.correlationId())
                                .setReply(ProtoMapping.message(reply.message())).build());
                        out.onCompleted();
                    });
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<InboxMessage> out) {
        try {
            String agentId = ownInbox(GrpcAccess.caller(), request.getAgentId(), MeshServiceGrpc.getSubscribeMethod());
            SubscribeCall call = new SubscribeCall(agentId, (ServerCallStreamObserver<InboxMessage>) out, deliveries);
            call.attach(subscriptions.start(agentId, call));
        } catch (Exception e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void ack(AckRequest request, StreamObserver<AckResponse> out) {
        try {
            String agentId = ownInbox(GrpcAccess.caller(), request.getAgentId(), MeshServiceGrpc.getAckMethod());
            Map<Integer, Long> committed = longPoll.ack(agentId, request.getOffsetsMap(), AgentLiveness.GRPC,
                    request.getSkip());
            out.onNext(AckResponse.newBuilder().putAllCommitted(committed).build());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
        }
    }

    /** The agent id of a request about an inbox: valid, the caller's own (or the caller an operator), registered. */
    private String ownInbox(MeshPrincipal caller, String agentId, io.grpc.MethodDescriptor<?, ?> method) {
        if (!AgentIds.isValid(agentId)) {
            throw MeshException.invalidField("agent_id", "'" + agentId + "' is not a valid agent id: " + AgentIds.RULE);
        }
        access.requireAllowed(caller, GrpcAccess.RULES.get(method.getFullMethodName()), agentId, method.getFullMethodName());
        return requireKnownAgent(agentId);
    }

    private String requireKnownAgent(String agentId) {
        if (!AgentIds.isValid(agentId)) {
            throw MeshException.invalidField("agent_id", "'" + agentId + "' is not a valid agent id: " + AgentIds.RULE);
        }
        if (!registry.exists(agentId)) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + agentId + "' is registered");
        }
        return agentId;
    }
}
