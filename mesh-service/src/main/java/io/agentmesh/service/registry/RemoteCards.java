package io.agentmesh.service.registry;

import java.net.URI;
import java.util.Map;

/**
 * Fetches the A2A agent card of an agent outside the mesh, registered with {@code "delivery": "a2a"}
 * and the URL of its A2A server: the card's name, skills and JSON-RPC interface fill its registration.
 */
public interface RemoteCards {

    /**
     * A fetched card.
     *
     * @param cardUrl where the card was found
     * @param rpcUrl  the card's JSON-RPC interface, where the mesh makes its A2A calls
     */
    record Remote(String cardUrl, Map<String, Object> card, String rpcUrl) {
    }

    /**
     * The card at {@code url} (a card's URL, or a base URL serving {@code /.well-known/agent-card.json});
     * throws a {@link io.agentmesh.service.errors.MeshException} on the {@code endpoint} field when
     * no usable card answers there.
     */
    Remote fetch(URI url);
}
