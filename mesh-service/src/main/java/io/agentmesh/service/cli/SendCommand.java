package io.agentmesh.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;

/** {@code mesh send --to T --payload JSON}. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send a message (agent:<id>, capability:<c>, namespace:<ns>, broadcast).")
final class SendCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Option(names = "--to", required = true)
    String to;

    @Option(names = "--payload", required = true, description = "JSON (quote a plain string: '\"hi\"').")
    String payload;

    @Option(names = "--from")
    String from;

    @Option(names = "--type")
    String type;

    @Override
    public void run() {
        send(root, to, payload, from, type);
    }

    static void send(MeshCli root, String to, String payload, String from, String type) {
        ObjectNode body = MeshClient.JSON.createObjectNode();
        body.put("to", to);
        body.set("payload", parse(payload));
        AgentsCommand.putIf(body, "from", from);
        AgentsCommand.putIf(body, "type", type);
        JsonNode r = root.client().post("/api/v1/messages", body);
        root.output().line(r, "accepted " + r.path("id").asText() + " for " + to);
    }

    static JsonNode parse(String payload) {
        try {
            return MeshClient.JSON.readTree(payload);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "--payload is not JSON (quote a plain string: '\"text\"')");
        }
    }
}
