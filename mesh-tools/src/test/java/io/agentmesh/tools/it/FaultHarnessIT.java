package io.agentmesh.tools.it;

import io.agentmesh.tools.faults.CheckResult;
import io.agentmesh.tools.faults.DeliveryPath;
import io.agentmesh.tools.faults.ScenarioResult;
import io.agentmesh.tools.faults.ScenarioRunner;
import io.agentmesh.tools.faults.Scenarios;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.service.it.Http;
import io.agentmesh.service.it.Ports;
import io.agentmesh.service.it.TestInfra;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F1 of the fault harness, small: the packaged mesh (its own process, with the broker and
 * ZooKeeper as processes of their own) is killed with SIGKILL under a steady REST load and
 * restarted; the ledger checker finds nothing acknowledged lost, nothing refused delivered, no
 * duplicate and no order violation in the inboxes, and each delivery path's agent (Connect, long-poll,
 * SSE, push) processed every acknowledged message sent to it. The full scenarios run with
 * {@code ./mesh faults}.
 */
class FaultHarnessIT {

    @Test
    void killingTheMeshUnderLoadLosesNothingAcknowledged() throws Exception {
        String jar = System.getProperty("mesh.jar");
        assertThat(jar).as("system property mesh.jar").isNotNull();
        Path dir = Files.createTempDirectory("mesh-f1-");
        ScenarioRunner runner = new ScenarioRunner(() -> new LocalStack.Settings(jar, dir,
                Path.of(System.getProperty("mesh.config", "../config.yml")).toAbsolutePath(),
                TestInfra.PG_BASE, TestInfra.PG_USER, "127.0.0.1", 6379, 6, "384m", Map.of(), false),
                4, 20, Duration.ofSeconds(20));
        Scenarios.Scenario f1 = new Scenarios(4000, 1).all().get(0);
        assertThat(f1.name()).isEqualTo("F1");

        ScenarioResult result = runner.run(f1.name(), f1.description(), f1.nodes(), f1.fault());

        assertThat(result.check().ok()).as(result.check().summary()).isGreaterThan(50);
        assertThat(result.held()).anyMatch(n -> n.startsWith("kill 1: the mesh is healthy again"))
                .anyMatch(n -> n.startsWith("sends are accepted again after kill 1"));
        // sends during the kill were refused or unanswered, not acknowledged
        assertThat(result.check().failed() + result.check().unknown()).as(result.check().summary()).isPositive();
        assertThat(result.check().promiseHolds()).as(result.check().summary()).isTrue();
        assertThat(result.broken()).as("expectations of F1").isEmpty();
        // each path's agent (one sender each) processed every acknowledged message sent to it, across the kill
        for (DeliveryPath p : DeliveryPath.agentPaths()) {
            CheckResult c = result.paths().get(p);
            assertThat(c.ok()).as(p.label() + ": " + c.summary()).isGreaterThan(10);
            assertThat(c.lost()).as(p.label() + ": " + c.summary()).isZero();
            assertThat(c.misrouted() + c.orderViolations()).as(p.label() + ": " + c.summary()).isZero();
        }
        assertThat(result.passed()).isTrue();
    }
}
