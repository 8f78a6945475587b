package io.agentmesh.service.auth;

import io.agentmesh.service.common.LogText;
import io.agentmesh.service.config.AuthSettings;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of authorization that need no running node: modes, default deny at wiring, roles, log text. */
class AuthRulesTest {

    @Path("/x")
    public static final class OneMethodWithoutARule {
        @GET
        @Allow(Access.VIEWER)
        public String ruled() {
            return "";
        }

        @POST
        public String forgotten() {
            return "";
        }
    }

    @Test
    void aResourceMethodWithoutARuleStopsTheNodeAtWiring() {
        assertThatThrownBy(() -> AccessFeature.requireRules(OneMethodWithoutARule.class))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("OneMethodWithoutARule.forgotten");
    }

    @Test
    void openModeIsRefusedOffLoopbackUnlessAllowedExplicitly() {
        AuthSettings open = new AuthSettings();
        open.setEnabled(false);
        assertThatCode(() -> AuthFeature.requireSafeMode(open, List.of("127.0.0.1", "localhost", "::1")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> AuthFeature.requireSafeMode(open, List.of("127.0.0.1", "0.0.0.0")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("[0.0.0.0]")
                .hasMessageContaining("allowOpenOnNonLoopback");
        assertThatThrownBy(() -> AuthFeature.requireSafeMode(open, java.util.Arrays.asList((String) null)))
                .as("no bind host: every interface").isInstanceOf(IllegalStateException.class);
        open.setAllowOpenOnNonLoopback(true);
        assertThatCode(() -> AuthFeature.requireSafeMode(open, List.of("0.0.0.0"))).doesNotThrowAnyException();
        AuthSettings secured = new AuthSettings();
        assertThatCode(() -> AuthFeature.requireSafeMode(secured, List.of("0.0.0.0"))).doesNotThrowAnyException();
    }

    @Test
    void rolesGrantWhatTheyNameAndNoMore() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.OWNER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.ADMIN)).isFalse();
        assertThat(Role.VIEWER.includes(Role.OWNER)).isFalse();
        assertThat(Role.OWNER.includes(Role.VIEWER)).isFalse();
        MeshPrincipal agent = MeshPrincipal.agent("a");
        assertThat(AccessRules.decide(Access.SELF_OR_OPERATOR, agent, "a")).isEqualTo(AccessRules.Decision.ALLOW);
        assertThat(AccessRules.decide(Access.SELF_OR_OPERATOR, agent, "b")).isEqualTo(AccessRules.Decision.FORBIDDEN);
        assertThat(AccessRules.decide(Access.VIEWER, null, null)).isEqualTo(AccessRules.Decision.UNAUTHENTICATED);
        assertThat(AccessRules.decide(Access.ADMIN, MeshPrincipal.OPEN, null)).isEqualTo(AccessRules.Decision.ALLOW);
    }

    @Test
    void userTextInLogLinesCannotForgeLines() {
        assertThat(LogText.clean("a\nINFO fake line\r\u0007\u2028")).isEqualTo("a\\nINFO fake line\\r\\u0007\\u2028");
        assertThat(LogText.clean("x".repeat(2000))).hasSize(513);
    }

    @Test
    void issuedSecretsSayWhatTheyAreAndOnlyTheirHashIsKept() {
        String key = ApiKeys.newAgentKey();
        assertThat(key).startsWith("mka_");
        assertThat(ApiKeys.looksLikeKey(key)).isTrue();
        assertThat(ApiKeys.hash(key)).hasSize(64).isNotEqualTo(ApiKeys.hash(ApiKeys.newAgentKey()));
        assertThat(ApiKeys.newOperatorToken()).startsWith("mko_");
        assertThat(ApiKeys.looksLikeKey("mka_short")).isFalse();
    }
}
