package io.agentmesh.service.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mesh broadcast --payload JSON}: one copy to every active agent. */
@Command(name = "broadcast", mixinStandardHelpOptions = true, description = "Send a message to every active agent.")
final class BroadcastCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Option(names = "--payload", required = true, description = "JSON.")
    String payload;

    @Option(names = "--from")
    String from;

    @Option(names = "--type")
    String type;

    @Override
    public void run() {
        SendCommand.send(root, "broadcast", payload, from, type);
    }
}
