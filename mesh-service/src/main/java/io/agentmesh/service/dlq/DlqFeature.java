package io.agentmesh.service.dlq;

import io.agentmesh.service.platform.Platform;

/** The dead-letter queue for operators: list, inspect and replay (audited in PostgreSQL, never twice). */
public final class DlqFeature {

    private final DeadLetterReader deadLetters;

    public DlqFeature(Platform p) {
        this.deadLetters = new DeadLetterReader(p.topics(), p.kafkaProps());
        ReplayAuditDao audit = new ReplayAuditDao(p.jdbi());
        DlqReplayer replayer = new DlqReplayer(deadLetters, p.publisher(), audit, p.topics(), p.mapper(), p.clock(),
                () -> p.topicAdmin().topicId(p.topics().dlq()));
        p.api(new DeadLetterResource(deadLetters, replayer, audit, p.mapper()));
    }

    public DeadLetterReader deadLetters() {
        return deadLetters;
    }
}
