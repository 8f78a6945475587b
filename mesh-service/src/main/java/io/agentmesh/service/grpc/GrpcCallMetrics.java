package io.agentmesh.service.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every gRPC call the node finishes, by service, method and status code:
 * {@code mesh_grpc_server_handled_total{grpc_service, grpc_method, grpc_code}} (the label names of
 * the go-grpc-prometheus convention; codes as grpc-java names them, {@code UNAVAILABLE}), read by the
 * {@code gRPCErrors} alert. Streams count when they end; a handler that throws counts as
 * {@code UNKNOWN}, a call the client cancels as {@code CANCELLED}.
 */
public final class GrpcCallMetrics implements ServerInterceptor {

    private final Counter handled;

    public GrpcCallMetrics(PrometheusRegistry registry) {
        this.handled = Counter.builder()
                .name("mesh_grpc_server_handled_total")
                .help("gRPC calls finished by this node, by service, method and status code")
                .labelNames("grpc_service", "grpc_method", "grpc_code")
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = String.valueOf(call.getMethodDescriptor().getServiceName());
        String method = String.valueOf(call.getMethodDescriptor().getBareMethodName());
        AtomicBoolean counted = new AtomicBoolean();
        Runnable unknown = () -> count(counted, service, method, Status.Code.UNKNOWN);
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    count(counted, service, method, status.getCode());
                    super.close(status, trailers);
                }
            }, headers);
        } catch (RuntimeException e) {
            unknown.run();
            throw e;
        }
        // a handler that throws is closed by grpc-java itself (UNKNOWN), not through close above; a call
        // the client cancels is never closed at all
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                guarded(() -> super.onMessage(message), unknown);
            }

            @Override
            public void onHalfClose() {
                guarded(super::onHalfClose, unknown);
            }

            @Override
            public void onReady() {
                guarded(super::onReady, unknown);
            }

            @Override
            public void onCancel() {
                count(counted, service, method, Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    private void count(AtomicBoolean counted, String service, String method, Status.Code code) {
        if (counted.compareAndSet(false, true)) {
            handled.labelValues(service, method, code.name()).inc();
        }
    }

    private static void guarded(Runnable step, Runnable onFailure) {
        try {
            step.run();
        } catch (RuntimeException e) {
            onFailure.run();
            throw e;
        }
    }
}
