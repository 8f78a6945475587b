package io.agentmesh.streams.envelope;

/** A record on a mesh topic that is not a valid mesh message; the message says why. */
public class InvalidEnvelopeException extends RuntimeException {

    public InvalidEnvelopeException(String message) {
        super(message);
    }

    public InvalidEnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
