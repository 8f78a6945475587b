package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.MeshHeaders;

import java.util.Map;

/**
 * Who a message is from. An agent sends as itself: the mesh fills {@code from} with it and refuses a
 * body naming another sender. Operators may name any sender (tools, replays); in open mode the body
 * says.
 */
final class Senders {

    private Senders() {
    }

    static SendCommand stamp(MeshPrincipal caller, SendCommand c) {
        if (!caller.isAgent()) {
            return c;
        }
        // nor may it pass for another through the CloudEvents source or steer replies to a third agent
        if (c.source() != null && c.source().startsWith("mesh:") && !c.source().equals("mesh://agents/" + caller.name())) {
            throw new MeshException(ErrorCode.FORBIDDEN, "source: '" + c.source() + "' names the mesh or another agent; "
                    + "agent '" + caller.name() + "' may use its own source or leave it out",
                    Map.of("field", "source", "caller", caller.label()));
        }
        String replyTo = c.extensions().get(MeshHeaders.EXT_REPLY_TO);
        if (replyTo != null && !replyTo.equals("agent:" + caller.name())) {
            throw new MeshException(ErrorCode.FORBIDDEN, "replyto: agent '" + caller.name() + "' may ask for replies only "
                    + "to itself (agent:" + caller.name() + ")", Map.of("field", "replyto", "caller", caller.label()));
        }
        if (c.from() == null || c.from().isEmpty()) {
            return new SendCommand(c.to(), caller.name(), c.type(), c.id(), c.correlationId(), c.key(), c.payload(),
                    c.contentType(), c.source(), c.extensions());
        }
        if (!c.from().equals(caller.name())) {
            throw new MeshException(ErrorCode.FORBIDDEN, "from: agent '" + caller.name() + "' may send only as itself, not as '"
                    + c.from() + "' (leave from out: the mesh fills it in)", Map.of("field", "from", "caller", caller.label()));
        }
        return c;
    }
}
