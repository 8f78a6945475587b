package io.agentmesh.service.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;
import java.util.Map;

/**
 * The bash (and zsh, through bashcompinit) completion script for {@code mesh}: every CLI command and
 * option as picocli generates them, plus the launcher's own verbs ({@code dev}, {@code server},
 * {@code start}, {@code test}, ...) and their options. {@code ./mesh completion} prints it.
 */
public final class Completion {

    private Completion() {
    }

    public static String bash() {
        CommandLine cli = new CommandLine(new MeshCli());
        Map<String, List<String>> launcher = new java.util.LinkedHashMap<>();
        launcher.put("dev", List.of("--auth", "--tls", "--otel", "--log-format"));
        launcher.put("server", List.of("--roles", "--otel", "--log-format"));
        launcher.put("build", List.of());
        launcher.put("test", List.of());
        launcher.put("bench", List.of("--quick", "--parts", "--out"));
        launcher.put("faults", List.of());
        launcher.put("completion", List.of());
        launcher.put("install", List.of());
        launcher.forEach((verb, options) -> {
            CommandSpec spec = CommandSpec.create().name(verb);
            options.forEach(o -> spec.addOption(OptionSpec.builder(o).arity(o.equals("--roles") || o.equals("--log-format")
                    || o.equals("--parts") || o.equals("--out") ? "1" : "0").build()));
            cli.addSubcommand(verb, new CommandLine(spec));
        });
        CommandSpec start = CommandSpec.create().name("start");
        start.addPositional(PositionalParamSpec.builder().arity("1").completionCandidates(
                List.of("api", "grpc", "discovery", "all")).build());
        cli.addSubcommand("start", new CommandLine(start));
        return AutoComplete.bash("mesh", cli);
    }

    public static void main(String[] args) {
        System.out.print(bash());
    }
}
