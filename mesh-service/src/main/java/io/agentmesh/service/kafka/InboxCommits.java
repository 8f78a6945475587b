package io.agentmesh.service.kafka;

/**
 * What the mesh writes in the metadata of the offsets it commits for an agent's consumer group
 * (acknowledgements over REST and gRPC, push, Connect's out-of-order acks): a marker, so that a
 * commit by the agent's own Kafka consumer can be told from the mesh's.
 */
public final class InboxCommits {

    /** Every commit the mesh makes for an agent starts its metadata with this. */
    public static final String MARKER = "acked:";

    private InboxCommits() {
    }

    public static boolean isMeshCommit(String metadata) {
        return metadata != null && metadata.startsWith(MARKER);
    }
}
