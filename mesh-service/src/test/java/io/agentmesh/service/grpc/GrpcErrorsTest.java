package io.agentmesh.service.grpc;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcErrorsTest {

    @Test
    void theRichStatusCarriesTheMeshCodeAndWhenToRetry() throws Exception {
        StatusRuntimeException e = GrpcErrors.toStatus(new MeshException(ErrorCode.TOO_BUSY, "streams at their limit",
                Map.of("node", "n1")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getTrailers().get(GrpcErrors.ERROR_CODE)).isEqualTo("TOO_BUSY");
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        assertThat(rich).isNotNull();
        assertThat(rich.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(rich.getMessage()).isEqualTo("streams at their limit");
        ErrorInfo info = rich.getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("TOO_BUSY");
        assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
        assertThat(info.getMetadataMap()).containsEntry("node", "n1");
        assertThat(rich.getDetails(1).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(5);
        assertThat(e.getTrailers().get(GrpcErrors.RETRY_AFTER)).isEqualTo("5");
    }

    @Test
    void noRetryInfoWhenRetryingWouldNotHelp() {
        com.google.rpc.Status rich = StatusProto.fromThrowable(GrpcErrors.toStatus(
                MeshException.invalidField("to", "bad")));
        assertThat(rich.getDetailsList()).hasSize(1);
        assertThat(rich.getDetails(0).is(ErrorInfo.class)).isTrue();
    }
}
