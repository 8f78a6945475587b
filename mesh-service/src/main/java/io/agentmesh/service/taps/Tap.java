package io.agentmesh.service.taps;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.streams.taps.PayloadPolicy;
import io.agentmesh.streams.taps.TapDefinition;
import io.agentmesh.streams.taps.TapFilter;

import java.time.Instant;

/** A tap as PostgreSQL keeps it and the API shows it (without its key). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tap(@JsonProperty("name") String name,
                  @JsonProperty("topic") String topic,
                  @JsonProperty("filter") TapFilter filter,
                  @JsonProperty("payload") PayloadPolicy payload,
                  @JsonIgnore String hmacKey,
                  @JsonProperty("retention_ms") long retentionMs,
                  @JsonProperty("partitions") int partitions,
                  @JsonProperty("reader") String reader,
                  @JsonProperty("created_by") String createdBy,
                  @JsonProperty("created_at") @JsonFormat(shape = JsonFormat.Shape.STRING) Instant createdAt,
                  @JsonProperty("updated_at") @JsonFormat(shape = JsonFormat.Shape.STRING) Instant updatedAt,
                  @JsonProperty("deleted_at") @JsonFormat(shape = JsonFormat.Shape.STRING) Instant deletedAt) {

    /** What the taps application runs. */
    public TapDefinition definition() {
        return new TapDefinition(name, topic, filter, payload, hmacKey);
    }

    @JsonIgnore
    public boolean deleted() {
        return deletedAt != null;
    }
}
