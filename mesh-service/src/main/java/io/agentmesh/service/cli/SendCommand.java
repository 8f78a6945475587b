package io.agentmesh.service.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mesh send --to T --payload JSON}. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send a message (agent:<id>, capability:<c>, namespace:<ns>, broadcast).")
final class SendCommand implements Runnable {

    @ParentCommand
    MeshCli root;

    @Option(names = "--to", required = true)
    String to;

    @Mixin
    MessageOptions message;

    @Override
    public void run() {
        message.send(root, to);
    }
}
