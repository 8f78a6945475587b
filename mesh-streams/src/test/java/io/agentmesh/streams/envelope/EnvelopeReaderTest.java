package io.agentmesh.streams.envelope;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a record straight from its headers gives what the CloudEvents SDK's reading gives: the same
 * envelope for every record it takes, and for anything unusual it steps aside so the SDK decides.
 */
class EnvelopeReaderTest {

    private static final byte[] PAYLOAD = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);

    private static RecordHeaders headers(String... pairs) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1] == null ? null : pairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    private static List<String> plain(String... extra) {
        List<String> base = new ArrayList<>(List.of("ce_specversion", "1.0", "ce_id", "m-1", "ce_source", "mesh://agents/a",
                "ce_type", "mesh.message", "ce_time", "2026-11-30T13:04:56.123Z", "content-type", "application/json",
                "ce_meshto", "agent:b", "ce_meshfrom", "a"));
        base.addAll(List.of(extra));
        return base;
    }

    /** The verdict of a reading: the envelope, or the kind of refusal. */
    private static String verdict(java.util.function.Supplier<Envelope> read) {
        try {
            return read.get().toString();
        } catch (InvalidEnvelopeException e) {
            return "invalid";
        }
    }

    private static void sameAsSdk(List<String> pairs) {
        RecordHeaders h = headers(pairs.toArray(String[]::new));
        String sdk = verdict(() -> EnvelopeReader.readWithSdk(h, PAYLOAD));
        assertThat(verdict(() -> EnvelopeReader.read(h, PAYLOAD))).as(pairs.toString()).isEqualTo(sdk);
    }

    @Test
    void theMeshsOwnRecordsAreReadWithoutTheSdkAndAsItWould() {
        RecordHeaders h = headers(plain("ce_correlationid", "c-1", "ce_meshexpiresat", "2030-01-01T00:00:00Z",
                "ce_meshstrategy", "least-loaded", "ce_meshmaxattempts", "3", "ce_traceparent", "00-abc").toArray(String[]::new));
        Envelope fast = EnvelopeReader.readPlainBinary(h, PAYLOAD);
        assertThat(fast).isNotNull().isEqualTo(EnvelopeReader.readWithSdk(h, PAYLOAD));
        assertThat(fast.target().toString()).isEqualTo("agent:b");
        assertThat(fast.from()).isEqualTo("a");
        assertThat(fast.strategy()).isEqualTo(Strategy.LEAST_LOADED);
        assertThat(fast.maxAttempts()).isEqualTo(3);
    }

    @Test
    void unusualRecordsGetTheSdksVerdict() {
        List<List<String>> cases = List.of(
                plain("ce_time", "2026-11-30T13:04:56Z"), // duplicate header
                List.of("ce_specversion", "0.3", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b"),
                List.of("ce_specversion", "9.9", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b"),
                List.of("ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "not a uri", "ce_type", "t", "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_time", "yesterday",
                        "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_time",
                        "2026-11-30t13:04:56+01:00", "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_dataschema", "::",
                        "ce_meshto", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshTo", "agent:b"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "nobody"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b",
                        "ce_averyveryverylongextensionname", "x"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b",
                        "content-type", "application/cloudevents+json"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b",
                        "ce_meshmaxattempts", "0"),
                List.of("ce_specversion", "1.0", "ce_id", "m", "ce_source", "s", "ce_type", "t", "ce_meshto", "agent:b",
                        "ce_meshexpiresat", "soon"));
        cases.forEach(EnvelopeReaderTest::sameAsSdk);
    }

    @Test
    void plainTimesAreOnlyTimesTheParserTakes() {
        Random random = new Random(7);
        String[] seeds = {"2026-11-30T13:04:56.123Z", "2024-02-29T23:59:59+14:00", "2023-02-29T00:00:00Z",
                "2026-12-31T24:00:00Z", "2026-11-30T13:04:56.1234567891Z", "2026-11-30T13:04:56-00:00"};
        String alphabet = "0123456789-:TZ.+z ";
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            char[] t = seeds[random.nextInt(seeds.length)].toCharArray();
            for (int k = random.nextInt(3); k > 0; k--) {
                t[random.nextInt(t.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String time = new String(t);
            if (Rfc3339.plain(time)) {
                accepted++;
                try {
                    OffsetDateTime.parse(time);
                } catch (DateTimeParseException e) {
                    throw new AssertionError("accepted a time the parser refuses: " + time, e);
                }
            }
        }
        assertThat(accepted).isGreaterThan(10_000);
        assertThat(Rfc3339.plain("2023-02-29T00:00:00Z")).isFalse();
        assertThat(Rfc3339.plain("2024-02-29T23:59:59+14:00")).isTrue();
    }
}
