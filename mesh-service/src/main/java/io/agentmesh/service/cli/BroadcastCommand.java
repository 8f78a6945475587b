package io.agentmesh.service.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code mesh broadcast --payload JSON}: one copy to every active agent. */
@Command(name = "broadcast", mixinStandardHelpOptions = true, description = "Send a message to every active agent.")
final class BroadcastCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Mixin
    MessageOptions message;

    @Override
    public void run() {
        message.send(root, "broadcast");
    }
}
