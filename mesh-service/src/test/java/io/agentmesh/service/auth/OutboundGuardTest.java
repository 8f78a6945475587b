package io.agentmesh.service.auth;

import io.agentmesh.service.common.OutboundGuard;
import io.agentmesh.service.config.OutboundSettings;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.delivery.push.PushClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the mesh may connect on agents' behalf: decided from the addresses a URL's host resolves to. */
class OutboundGuardTest {

    private static OutboundGuard guard(boolean allowPrivate, String... allow) {
        OutboundSettings s = new OutboundSettings();
        s.setAllowPrivateNetworks(allowPrivate);
        s.getAllow().addAll(java.util.List.of(allow));
        return new OutboundGuard(s);
    }

    private static String refusal(OutboundGuard g, String url) {
        return g.refusal(URI.create(url)).orElse("allowed");
    }

    @Test
    void metadataServicesAndLinkLocalAreAlwaysRefused() {
        OutboundGuard dev = guard(true);
        assertThat(refusal(dev, "http://169.254.169.254/latest/meta-data/")).contains("cloud metadata service");
        assertThat(refusal(dev, "http://[fd00:ec2::254]/")).contains("cloud metadata service");
        assertThat(refusal(dev, "http://[::ffff:169.254.169.254]/")).contains("cloud metadata service");
        assertThat(refusal(dev, "http://169.254.10.1/")).contains("link-local");
        assertThat(refusal(dev, "http://[fe80::1]/")).contains("link-local");
        assertThat(refusal(dev, "http://0.0.0.0:80/")).contains("not a host address");
        // IPv4 carried inside IPv6: NAT64, 6to4, IPv4-compatible
        assertThat(refusal(dev, "http://[64:ff9b::a9fe:a9fe]/")).contains("cloud metadata service");
        assertThat(refusal(dev, "http://[2002:a9fe:a9fe::1]/")).contains("cloud metadata service");
        assertThat(refusal(dev, "http://[::169.254.169.254]/")).contains("cloud metadata service");
        assertThat(refusal(guard(false), "http://[64:ff9b::a00:1]/")).contains("private");
        assertThat(refusal(dev, "http://127.0.0.1:3001/")).isEqualTo("allowed");
    }

    @Test
    void loopbackAndPrivateRangesAreRefusedOutsideDevUnlessAllowListed() {
        OutboundGuard server = guard(false);
        for (String url : new String[]{"http://127.0.0.1:3001/", "http://localhost/", "http://10.2.3.4/",
                "http://172.20.0.5/", "http://192.168.1.10/", "http://100.64.0.1/", "http://[fd12::1]/", "http://[::1]/"}) {
            assertThat(refusal(server, url)).as(url).contains("loopback or private");
        }
        assertThat(refusal(server, "http://93.184.216.34/hook")).isEqualTo("allowed");
        assertThat(refusal(server, "http://no-such-host.invalid/")).contains("does not resolve");

        OutboundGuard listed = guard(false, "10.2.0.0/16", "localhost");
        assertThat(refusal(listed, "http://10.2.3.4/")).isEqualTo("allowed");
        assertThat(refusal(listed, "http://10.3.3.4/")).contains("private");
        assertThat(refusal(listed, "http://localhost:8080/")).isEqualTo("allowed");
        assertThat(refusal(guard(false, "169.254.0.0/16"), "http://169.254.169.254/"))
                .as("metadata services stay refused whatever the allow-list says").contains("metadata");
        assertThat(refusal(server, "http://localhost/")).as("the address a name resolves to is not echoed")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void aPushIsCheckedAgainWhenItConnects() {
        PushClient client = new PushClient(guard(true));
        InboxRecord record = new InboxRecord("m-1", "a", "agent:b", "t", null, null, "application/json", "{}".getBytes(),
                0, 0L, java.util.Map.of(), null, new org.apache.kafka.common.header.internals.RecordHeaders());
        io.agentmesh.service.delivery.push.PushTransport.Result r = client.post(URI.create("http://169.254.169.254/hook"), record, Duration.ofSeconds(1));
        assertThat(r.outcome()).isEqualTo(io.agentmesh.service.delivery.push.PushTransport.Outcome.REJECTED);
        assertThat(r.detail()).startsWith("endpoint refused").contains("metadata");
    }
}
