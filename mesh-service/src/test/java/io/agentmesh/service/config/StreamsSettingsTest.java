package io.agentmesh.service.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The routing guarantee is one validated setting; a contradicting Kafka Streams property is refused. */
class StreamsSettingsTest {

    private final ObjectMapper mapper = Jackson.newObjectMapper();
    private final Validator validator = Validators.newValidator();

    private StreamsSettings parse(String json) throws Exception {
        return mapper.readValue(json, StreamsSettings.class);
    }

    @Test
    void exactlyOnceByDefaultAndAtLeastOnceWhenAsked() throws Exception {
        assertThat(parse("{}").processingGuarantee()).isEqualTo("exactly_once_v2");
        StreamsSettings alo = parse("{\"guarantee\":\"at_least_once\"}");
        assertThat(alo.processingGuarantee()).isEqualTo("at_least_once");
        assertThat(validator.validate(alo)).isEmpty();
    }

    @Test
    void anUnknownGuaranteeOrAContradictingPropertyIsRefused() throws Exception {
        Set<ConstraintViolation<StreamsSettings>> unknown = validator.validate(parse("{\"guarantee\":\"exactly-once\"}"));
        assertThat(unknown).extracting(v -> v.getPropertyPath() + " " + v.getMessage())
                .containsExactly("guarantee must be exactly_once or at_least_once");
        Set<ConstraintViolation<StreamsSettings>> contradicting = validator.validate(
                parse("{\"guarantee\":\"at_least_once\",\"properties\":{\"processing.guarantee\":\"exactly_once_v2\"}}"));
        assertThat(contradicting).extracting(ConstraintViolation::getMessage).singleElement().asString()
                .contains("contradicts guarantee");
        assertThat(validator.validate(parse("{\"properties\":{\"processing.guarantee\":\"exactly_once_v2\"}}"))).isEmpty();
    }
}
