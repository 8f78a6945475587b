package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.io.IOException;

/** {@code --payload}, {@code --from}, {@code --type}: what send and broadcast share. */
final class MessageOptions {

    @Option(names = "--payload", required = true, description = "JSON (quote a plain string: '\"hi\"').")
    String payload;

    @Option(names = "--from")
    String from;

    @Option(names = "--type")
    String type;

    /** POSTs the message to {@code to}; prints the accepted id. */
    void send(MeshCli root, String to) {
        ObjectNode body = MeshClient.JSON.createObjectNode();
        body.put("to", to);
        body.set("payload", parse(payload));
        AgentsCommand.putIf(body, "from", from);
        AgentsCommand.putIf(body, "type", type);
        JsonNode r = root.client().post("/api/v1/messages", body);
        root.output().line(r, "accepted " + r.path("id").asText() + " for " + to);
    }

    private static JsonNode parse(String payload) {
        try {
            return MeshClient.JSON.readTree(payload);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "--payload is not JSON (quote a plain string: '\"text\"')");
        }
    }
}
