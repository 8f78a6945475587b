package io.agentmesh.service.errors;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemDetailsTest {

    @Test
    void aRefusalIsProblemDetailsWithTheMeshMembersKept() {
        MeshException e = MeshException.invalidField("to", "unknown target scheme 'smoke'");
        Response r = ErrorResponses.of(e, "/api/v1/messages");
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getMediaType().toString()).isEqualTo("application/problem+json");
        ErrorBody body = (ErrorBody) r.getEntity();
        assertThat(body.type()).isEqualTo("tag:agentmesh.io,2026:error:" + e.code().name());
        assertThat(body.title()).isNotBlank();
        assertThat(body.status()).isEqualTo(400);
        assertThat(body.detail()).isEqualTo(e.getMessage()).isEqualTo(body.message());
        assertThat(body.instance()).isEqualTo("/api/v1/messages");
        assertThat(body.code()).isEqualTo(e.code().name());
        assertThat(body.details()).containsEntry("field", "to");
    }

    @Test
    void titlesAreTheCodeInWords() {
        assertThat(ErrorBody.title(ErrorCode.UNKNOWN_TARGET)).isEqualTo("Unknown target");
        assertThat(ErrorBody.title(ErrorCode.MALFORMED_CLOUDEVENT)).isEqualTo("Malformed CloudEvent");
        assertThat(ErrorBody.title(ErrorCode.KAFKA_UNAVAILABLE)).isEqualTo("Kafka unavailable");
    }

    @Test
    void concurrencyRefusalsAre429WithWhenToComeBack() {
        MeshException busy = new MeshException(ErrorCode.TOO_BUSY, "long polls at their limit", Map.of());
        Response r = ErrorResponses.of(busy, (String) null);
        assertThat(r.getStatus()).isEqualTo(429);
        assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
        assertThat(new MeshException(ErrorCode.DRAINING, "draining", Map.of()).retryAfterSeconds()).isEqualTo(5);
        assertThat(new MeshException(ErrorCode.NOT_FOUND, "gone", Map.of()).retryAfterSeconds()).isZero();
    }
}
