package io.agentmesh.service.errors;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundFailuresTest {

    private static final URI AGENT = URI.create("http://10.0.0.7:3001/health");

    @Test
    void saysWhatFailedAndWhereNotJustTheExceptionName() {
        assertThat(OutboundFailures.describe(new CompletionException(new ConnectException()), Duration.ofSeconds(1), AGENT))
                .isEqualTo("connection refused by 10.0.0.7:3001 (nothing listening?)");
        assertThat(OutboundFailures.describe(new CompletionException(new HttpTimeoutException("t")), Duration.ofMillis(250),
                AGENT)).isEqualTo("no answer within 250 ms from 10.0.0.7:3001");
        assertThat(OutboundFailures.describe(new CompletionException(new java.io.IOException("reset")), Duration.ofSeconds(1),
                AGENT)).isEqualTo("connection to 10.0.0.7:3001 failed: reset");
    }
}
