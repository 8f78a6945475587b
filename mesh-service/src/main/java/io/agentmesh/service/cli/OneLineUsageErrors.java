package io.agentmesh.service.cli;

import picocli.CommandLine;

/** A bad command line gets one line saying what is wrong and where help is, not the whole usage text. */
public final class OneLineUsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("mesh: " + e.getMessage());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Installs the handler on a command line and returns it. */
    public static CommandLine on(CommandLine cli) {
        return cli.setParameterExceptionHandler(new OneLineUsageErrors());
    }
}
