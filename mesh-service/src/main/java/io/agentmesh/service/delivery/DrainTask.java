package io.agentmesh.service.delivery;

import io.dropwizard.servlets.tasks.Task;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/drain} on the admin port (loopback only, no credential): what a pod's preStop
 * hook calls to drain its own node before it stops. {@code ?stop=true} ends draining.
 */
final class DrainTask extends Task {

    private final NodeDrain drain;

    DrainTask(NodeDrain drain) {
        super("drain");
        this.drain = drain;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        if (parameters.getOrDefault("stop", List.of()).contains("true")) {
            drain.stop();
            output.println("draining stopped");
        } else {
            drain.start();
            output.println("draining: new sends refused, open streams winding down");
        }
    }
}
