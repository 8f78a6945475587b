package io.agentmesh.service.cluster;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The mesh cluster as ZooKeeper sees it: status, nodes, and a new leader election on demand. */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
public final class ClusterResource {

    private static final long ELECTION_WAIT_MS = 15_000;
    /** After an election on this node, the next waits this long (429 meanwhile). */
    static final long ELECTION_COOLDOWN_MS = 30_000;
    private final io.agentmesh.service.common.LongWork elections;
    private final java.util.concurrent.atomic.AtomicLong lastElection = new java.util.concurrent.atomic.AtomicLong();

    private final ClusterMembership cluster;
    private final int expectedNodes;
    private final ClusterRepair repair;
    private final LeaderChores chores;

    public ClusterResource(ClusterMembership cluster, int expectedNodes, ClusterRepair repair, LeaderChores chores,
                           io.agentmesh.service.common.LongWork elections) {
        this.elections = elections;
        this.cluster = cluster;
        this.expectedNodes = expectedNodes;
        this.repair = repair;
        this.chores = chores;
    }

    /** Fixes what differs between Postgres and Redis / the router's registry view; answers what it changed. */
    @POST
    @Path("reconcile")
    @Allow(Access.OPERATOR)
    public Map<String, Object> reconcile() {
        return repair.reconcile();
    }

    /** Rewrites Redis, the registry topic (and inbox topics) and the health topic from Postgres. */
    @POST
    @Path("resync")
    @Allow(Access.OPERATOR)
    public Map<String, Object> resync() {
        return repair.resync();
    }

    @GET
    @Path("status")
    @Allow(Access.VIEWER)
    public Map<String, Object> status() {
        List<String> nodes = nodes();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", cluster.nodeId());
        out.put("zookeeper", cluster.connected() ? "connected" : "disconnected");
        out.put("leader", cluster.leader().orElse(null));
        out.put("is_leader", cluster.isLeader());
        out.put("nodes", nodes.size());
        out.put("expected_nodes", expectedNodes);
        out.put("partition_suspected", !cluster.connected() || nodes.size() < expectedNodes);
        out.put("leader_chores", chores.status());
        return out;
    }

    @GET
    @Path("nodes")
    @Allow(Access.VIEWER)
    public Map<String, Object> listNodes() {
        Optional<String> leader = cluster.leader();
        List<Map<String, Object>> nodes = nodes().stream().map(id -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", id);
            n.put("leader", leader.map(id::equals).orElse(false));
            n.put("self", id.equals(cluster.nodeId()));
            return n;
        }).toList();
        return Map.of("nodes", nodes, "count", nodes.size());
    }

    @POST
    @Path("leader/elect")
    @Allow(Access.OPERATOR)
    public Map<String, Object> elect() throws Exception {
        String before = cluster.leader().orElse(null);
        int candidates = cluster.candidates();
        if (candidates < 2) {
            // with nobody else to take over, an election changes nothing: say so at once
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("previous_leader", before);
            out.put("leader", before);
            out.put("changed", false);
            out.put("candidates", candidates);
            out.put("reason", "no other node can lead (nodes with the monitor role take part)");
            return out;
        }
        // one election at a time, and not again right after one: each asks the leader to step down
        AutoCloseable permit = elections.start("leader");
        try {
            long since = System.currentTimeMillis() - lastElection.get();
            if (since < ELECTION_COOLDOWN_MS) {
                long wait = (ELECTION_COOLDOWN_MS - since + 999) / 1000;
                throw MeshException.rateLimited("a leader election ran " + since / 1000 + " s ago; the next may run in "
                        + wait + " s", wait, Map.of());
            }
            Map<String, Object> out = runElection(before, candidates);
            lastElection.set(System.currentTimeMillis());
            return out;
        } finally {
            try {
                permit.close();
            } catch (Exception e) {
                // releasing a permit does not fail
            }
        }
    }

    private Map<String, Object> runElection(String before, int candidates) throws Exception {
        cluster.requestElection();
        long deadline = System.currentTimeMillis() + ELECTION_WAIT_MS;
        String after = before;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            after = cluster.leader().orElse(null);
            if (after != null && !after.equals(before)) {
                break;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("previous_leader", before);
        out.put("leader", after);
        out.put("changed", after != null && !after.equals(before));
        out.put("candidates", candidates);
        return out;
    }

    private List<String> nodes() {
        try {
            return cluster.members();
        } catch (Exception e) {
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "ZooKeeper unavailable: " + e.getMessage(),
                    Map.of("dependency", "zookeeper"), e);
        }
    }
}
