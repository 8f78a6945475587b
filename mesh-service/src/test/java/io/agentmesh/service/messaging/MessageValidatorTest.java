package io.agentmesh.service.messaging;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.Target;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageValidatorTest {

    private final MessageValidator validator = new MessageValidator(10);

    private static SendCommand to(String to, byte[] payload) {
        return new SendCommand(to, null, null, null, null, null, payload, null, null, null);
    }

    private static SendCommand withExtension(String name, String value) {
        return new SendCommand("capability:chat", null, null, null, null, null, new byte[1], null, null,
                java.util.Map.of(name, value));
    }

    @Test
    void acceptsEveryTargetKindAndValidRoutingControls() {
        assertThat(validator.check(to("agent:b", new byte[10]))).isEqualTo(Target.agent("b"));
        assertThat(validator.check(to("b", new byte[1]))).isEqualTo(Target.agent("b"));
        assertThat(validator.check(to("capability:chat", new byte[1])).kind()).isEqualTo(Target.Kind.CAPABILITY);
        assertThat(validator.check(to("namespace:prod", new byte[1])).kind()).isEqualTo(Target.Kind.NAMESPACE);
        assertThat(validator.check(to("broadcast", new byte[1])).kind()).isEqualTo(Target.Kind.BROADCAST);
        assertThat(validator.check(new SendCommand("capability:chat", null, null, null, null, null, new byte[1], null, null,
                java.util.Map.of("meshstrategy", "consistent-hash", "meshmaxattempts", "3",
                        "expiresat", "2030-01-01T00:00:00Z"))).value()).isEqualTo("chat");
    }

    @Test
    void mapsEachProblemToItsCode() {
        expect(to(null, new byte[1]), ErrorCode.INVALID_REQUEST);
        // the same payload rules whatever the transport: not empty, JSON when it says so, a real media type
        expect(to("b", new byte[0]), ErrorCode.INVALID_REQUEST);
        expect(new SendCommand("b", null, null, null, null, null, "{not json".getBytes(), "application/json", null,
                java.util.Map.of()), ErrorCode.INVALID_REQUEST);
        expect(new SendCommand("b", null, null, null, null, null, "x".getBytes(), "not a type", null,
                java.util.Map.of()), ErrorCode.INVALID_REQUEST);
        expect(to("smoke:b", new byte[1]), ErrorCode.INVALID_TARGET);
        expect(to("agent:B", new byte[1]), ErrorCode.INVALID_TARGET);
        expect(withExtension("meshstrategy", "random"), ErrorCode.INVALID_REQUEST);
        expect(withExtension("meshmaxattempts", "0"), ErrorCode.INVALID_REQUEST);
        expect(withExtension("meshmaxattempts", "many"), ErrorCode.INVALID_REQUEST);
        expect(withExtension("expiresat", "tomorrow"), ErrorCode.INVALID_REQUEST);
        expect(to("b", null), ErrorCode.INVALID_REQUEST);
        expect(to("b", new byte[11]), ErrorCode.PAYLOAD_TOO_LARGE);
        expect(new SendCommand("b", "A B", null, null, null, null, new byte[1], null, null, null), ErrorCode.INVALID_REQUEST);
        expect(new SendCommand("b", null, "bad type!", null, null, null, new byte[1], null, null, null), ErrorCode.INVALID_REQUEST);
        expect(new SendCommand("b", null, null, "id with space", null, null, new byte[1], null, null, null), ErrorCode.INVALID_REQUEST);
        expect(new SendCommand("b", null, null, null, "x".repeat(129), null, new byte[1], null, null, null), ErrorCode.INVALID_REQUEST);
        expect(new SendCommand("b", null, null, null, null, "", new byte[1], null, null, null), ErrorCode.INVALID_REQUEST);
    }

    private void expect(SendCommand c, ErrorCode code) {
        assertThatThrownBy(() -> validator.check(c)).isInstanceOfSatisfying(MeshException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
