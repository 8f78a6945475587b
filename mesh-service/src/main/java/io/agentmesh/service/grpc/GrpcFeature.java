package io.agentmesh.service.grpc;

import io.agentmesh.service.auth.AuthFeature;
import io.agentmesh.service.config.GrpcSettings;
import io.agentmesh.service.config.MessagesSettings;
import io.agentmesh.service.delivery.DeliveryFeature;
import io.agentmesh.service.messaging.MessagingFeature;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.RegistryFeature;

import java.util.List;

/**
 * The gRPC front end of a node with the grpc role: mesh.v1.MeshService over the registry, messaging
 * and delivery features, with grpc.health.v1 (NOT_SERVING while draining) and reflection.
 */
public final class GrpcFeature {

    private final SendStreams sendStreams;

    public GrpcFeature(Platform p, GrpcSettings settings, MessagesSettings messages, RegistryFeature registry,
                       MessagingFeature messaging, DeliveryFeature delivery, AuthFeature auth,
                       io.agentmesh.service.tls.TlsMaterial tls, io.agentmesh.service.a2a.TaskUpdates a2aTasks) {
        GrpcAccess access = new GrpcAccess(auth.authenticator(), auth.audit(), auth.metrics());
        this.sendStreams = new SendStreams(p.drain(), messaging.batches(), p.metrics());
        MeshGrpcService service = new MeshGrpcService(access, registry.enrollment(), registry.registry(), registry.liveness(), messaging.messages(), messaging.batches(), sendStreams,
                messaging.requests(), delivery.subscriptions(), delivery.longPoll(), delivery.sessions(),
                delivery.events(), p.metrics(), messages.getMaxCreditPerStream(), a2aTasks, p.mapper());
        // one gRPC message is a single send or a whole SendBatch
        int maxMessage = (int) Math.max(messages.maxMessageBytes(), messages.getMaxBatchBytes());
        GrpcServer server = new GrpcServer(settings, maxMessage, List.of(service), delivery.streamThreads(), access,
                new GrpcCallMetrics(p.metrics().prometheus()), tls);
        delivery.onServing(serving -> {
            server.setServing(serving);
            if (!serving) {
                sendStreams.endAll();
            }
        });
        if (p.roles().grpc()) {
            p.env().lifecycle().manage(server);
        }
    }

    /** Ends an agent's open SendStream calls on this node (its credential was revoked); answers how many. */
    public int endStreamsOf(String agentId) {
        return sendStreams.endAgent(agentId);
    }
}
