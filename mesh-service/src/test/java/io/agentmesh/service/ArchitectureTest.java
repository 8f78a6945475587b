package io.agentmesh.service;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The allowed arrows (docs/ARCHITECTURE.md), checked on the compiled main classes of mesh-streams
 * and mesh-service: the topologies never reach into the service; REST and gRPC adapters talk to
 * feature services, never to Jdbi, Lettuce, Kafka or Curator; the packages of mesh-service import
 * each other without cycles; nothing in the server uses the tools, the in-process broker or
 * ZooKeeper server.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.agentmesh.streams", "io.agentmesh.service");
    }

    @Test
    void meshStreamsDoesNotImportMeshService() {
        ArchRule rule = noClasses().that().resideInAPackage("io.agentmesh.streams..")
                .should().dependOnClassesThat().resideInAPackage("io.agentmesh.service..")
                .because("mesh-streams holds the topologies and is independent of the service");
        rule.check(classes);
    }

    @Test
    void restResourcesAndGrpcAdaptersStayThin() {
        ArchRule rule = noClasses().that().areAnnotatedWith(jakarta.ws.rs.Path.class)
                .or().haveSimpleNameEndingWith("Resource")
                .or().resideInAPackage("io.agentmesh.service.grpc..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "io.lettuce..", "org.apache.kafka..",
                        "org.apache.curator..", "org.apache.zookeeper..")
                .because("REST resources and gRPC adapters translate and call a feature service; "
                        + "the feature owns its database, cache, Kafka and ZooKeeper access");
        rule.check(classes);
    }

    @Test
    void packagesOfMeshServiceHaveNoCycles() {
        ArchRule rule = slices().matching("io.agentmesh.service.(*)..")
                .should().beFreeOfCycles()
                .because("features build on shared infrastructure and on each other in one direction only");
        rule.check(classes);
    }

    @Test
    void theServerUsesNoToolsAndNoEmbeddedServers() {
        ArchRule rule = noClasses().that().resideInAPackage("io.agentmesh.service..")
                .should().dependOnClassesThat().resideInAnyPackage("io.agentmesh.tools..", "io.agentmesh.embedded..",
                        "kafka..", "scala..", "org.apache.zookeeper.server..", "org.knowm..")
                .because("the production jar carries the server only: the dev launcher, bench and harnesses, "
                        + "the in-process broker and ZooKeeper live in mesh-tools and mesh-embedded");
        rule.check(classes);
    }
}
