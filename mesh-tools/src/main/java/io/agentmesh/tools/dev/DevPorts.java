package io.agentmesh.tools.dev;

import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ports dev mode listens on, checked before anything starts: each one already taken is named,
 * with the variable that moves it.
 */
final class DevPorts {

    private DevPorts() {
    }

    static List<String> taken(MeshConfiguration config) {
        Map<String, int[]> wanted = new LinkedHashMap<>();
        if (config.getServerFactory() instanceof DefaultServerFactory server) {
            if (!server.getApplicationConnectors().isEmpty()
                    && server.getApplicationConnectors().get(0) instanceof HttpConnectorFactory http) {
                wanted.put("REST (MESH_REST_PORT)", new int[]{http.getPort()});
            }
            if (!server.getAdminConnectors().isEmpty() && server.getAdminConnectors().get(0) instanceof HttpConnectorFactory admin) {
                wanted.put("admin (MESH_ADMIN_PORT)", new int[]{admin.getPort()});
            }
        }
        wanted.put("gRPC (MESH_GRPC_PORT)", new int[]{config.getGrpc().getPort()});
        wanted.put("Kafka (MESH_DEV_KAFKA_PORT)", new int[]{config.getDev().getKafkaPort()});
        wanted.put("the Kafka controller (MESH_DEV_CONTROLLER_PORT)", new int[]{config.getDev().getControllerPort()});
        wanted.put("ZooKeeper (MESH_DEV_ZOOKEEPER_PORT)", new int[]{config.getDev().getZookeeperPort()});
        List<String> problems = new ArrayList<>();
        wanted.forEach((what, port) -> {
            if (port[0] > 0 && !free(port[0])) {
                String variable = what.substring(what.indexOf('(') + 1, what.indexOf(')'));
                problems.add("port " + port[0] + " for " + what.substring(0, what.indexOf(" (")) + " is taken by another "
                        + "process (another ./mesh dev? `ss -ltnp 'sport = :" + port[0] + "'` says which).\n    Stop it, or "
                        + "choose another port: " + variable + "=<port> ./mesh dev");
            }
        });
        return problems;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
