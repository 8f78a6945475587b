package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 answers with the A2A specification's error codes. */
final class JsonRpc {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    static final int TASK_NOT_FOUND = -32001;
    static final int TASK_NOT_CANCELABLE = -32002;
    static final int PUSH_NOT_SUPPORTED = -32003;
    static final int UNSUPPORTED_OPERATION = -32004;
    static final int VERSION_NOT_SUPPORTED = -32009;

    /** A call refused with a JSON-RPC error; {@code data} carries the mesh's own code where there is one. */
    static final class Failure extends RuntimeException {
        final int code;
        final transient JsonNode data;

        Failure(int code, String message, JsonNode data) {
            super(message);
            this.code = code;
            this.data = data;
        }

        Failure(int code, String message) {
            this(code, message, null);
        }
    }

    private JsonRpc() {
    }

    static ObjectNode result(ObjectMapper mapper, JsonNode id, JsonNode result) {
        ObjectNode out = mapper.createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        out.set("result", result);
        return out;
    }

    static ObjectNode error(ObjectMapper mapper, JsonNode id, int code, String message, JsonNode data) {
        ObjectNode out = mapper.createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id == null ? mapper.nullNode() : id);
        ObjectNode error = out.putObject("error").put("code", code).put("message", message);
        if (data != null) {
            error.set("data", data);
        }
        return out;
    }
}
