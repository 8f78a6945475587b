package io.agentmesh.service.taps;

/**
 * The Kafka rights of a tap's reader: its agent's Kafka login may read the tap's topic, use
 * consumer groups named {@code _tap.<name>.…} and create, read and write topics named
 * {@code _tap.<name>.…} (a Kafka Streams application with that id keeps its internal topics there).
 * Does nothing where agents have no Kafka logins.
 */
public interface TapAccess {

    TapAccess NONE = new TapAccess() {
        @Override
        public void grant(String reader, String topic, String groupPrefix) {
        }

        @Override
        public void revoke(String reader, String topic, String groupPrefix) {
        }
    };

    void grant(String reader, String topic, String groupPrefix);

    void revoke(String reader, String topic, String groupPrefix);

    /** The consumer groups (and topics of its own) a tap's reader may use start with this. */
    static String groupPrefix(String tap) {
        // no agent id (nor so its group) starts with '_', and no topic prefix of the mesh may hold one
        return "_tap." + tap + ".";
    }
}
