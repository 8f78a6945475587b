package io.agentmesh.tools.it;

import io.agentmesh.tools.bench.BenchCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./mesh bench --quick} as a smoke test of the harness, not of the figures: its own broker,
 * ZooKeeper, mesh node and forwarders start, every part of the send path runs (and delivery to an
 * agent by each way it reads, and the shared-inbox simulation), and the report has the floors, the
 * CPU per message and the targets table. Timings are for the bench, never asserted here.
 */
class BenchSmokeIT {

    @Test
    void theQuickBenchRunsEveryPartOfTheSendPathAndWritesItsReport() throws Exception {
        Path out = Files.createTempDirectory("mesh-bench-smoke-");
        String config = Path.of(System.getProperty("mesh.config", "../config.yml")).toAbsolutePath().toString();
        int exit = new CommandLine(new BenchCommand()).execute("--quick", "--parts", "raw,floors,throughput,wrk,latency,delivery,shared",
                "--messages", "1000", "--rates", "500", "--duration", "1", "--no-at-least-once", "--redis-database", "7", "--config", config,
                "--out", out.toString());
        assertThat(exit).isZero();
        String report = Files.readString(out.resolve("BENCHMARKS.md"));
        assertThat(report).contains("## Against the targets", "## CPU per delivered message",
                "| raw Kafka (producer) |", "| Kafka forwarder (at_least_once) |", "| Kafka forwarder (exactly_once) |",
                "| mesh gRPC (1024 in flight) |", "| mesh gRPC (h2load, 4 connections, 1024 in flight) |",
                "| mesh gRPC SendStream (1024 in flight) |", "| mesh REST batch (500 x 4) |", "| REST send | 16 |",
                "| REST refused (400) | 16 |", "| mesh gRPC | exactly_once | 500 |",
                "## Delivery to the agent, by the way it reads", "| Connect (ack each) |", "| Subscribe |",
                "| long-poll (ack each batch) |", "| SSE |", "## Shared inbox partitions (simulation)");
        assertThat(report).as("every way of reading handed the agent its messages").doesNotContain("| 0 of ");
        assertThat(out.resolve("benchmarks-latency.png")).isNotEmptyFile();
    }
}
