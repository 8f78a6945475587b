package io.agentmesh.service.core;

import java.util.List;
import java.util.Map;

/** A registration as received over REST or gRPC, not yet validated. Null means absent. */
public record RegisterCommand(String id, String name, String namespace, List<String> capabilities,
                              String endpoint, Map<String, Object> metadata) {
}
