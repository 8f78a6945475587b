package io.agentmesh.service.it;

import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboards on a secured mesh: anonymous gets the sign-in form and no data, a viewer sees the
 * registry but may not act, an operator acts — the API's access table, through the pages.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DashboardAuthIT {

    static final MeshApp MESH = MeshApp.onSharedBroker(Secured.settings());
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();

    @Test
    void anonymousSignsInAViewerSeesAnOperatorActs() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String agent = "guarded-" + suffix;
        assertThat(Secured.post(MESH.url("/api/v1/agents"), Secured.ADMIN_TOKEN, "{\"id\":\"" + agent
                + "\",\"name\":\"G\",\"capabilities\":[\"guard\"]}").status()).isEqualTo(201);
        String viewer = Secured.issue(MESH, "dash-viewer-" + suffix, "viewer");
        String operator = Secured.issue(MESH, "dash-operator-" + suffix, "operator");

        try (HeadlessChromium chromium = new HeadlessChromium(1280, 800)) {
            var browser = chromium.driver;
            browser.get(MESH.url("/dashboard/agents"));
            chromium.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token")));
            assertThat(browser.findElements(By.cssSelector("tr[data-id='" + agent + "']"))).isEmpty();

            // a viewer sees the registry
            browser.findElement(By.id("login-token")).sendKeys(viewer);
            browser.findElement(By.cssSelector("#login-form button")).click();
            chromium.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + agent + "']")));
            chromium.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "dash-viewer-" + suffix));
            assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
            // and may not act
            chromium.click(By.cssSelector("tr[data-id='" + agent + "']"));
            chromium.click(By.id("mark-unhealthy"));
            chromium.waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
            chromium.waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Not allowed"));
            assertThat(Secured.get(MESH.url("/api/v1/agents/" + agent + "/health"), Secured.ADMIN_TOKEN).json()
                    .path("status").asText()).isNotEqualTo("unhealthy");

            // an operator acts
            browser.findElement(By.id("sign-out")).click();
            chromium.waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token"))).sendKeys(operator);
            browser.findElement(By.cssSelector("#login-form button")).click();
            chromium.click(By.cssSelector("tr[data-id='" + agent + "']"));
            chromium.click(By.id("mark-unhealthy"));
            chromium.waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
            await().atMost(10, SECONDS).until(() -> "unhealthy".equals(Secured.get(MESH.url("/api/v1/agents/" + agent + "/health"),
                    Secured.ADMIN_TOKEN).json().path("status").asText()));
            // the token lives in the tab's session storage only
            assertThat(((JavascriptExecutor) browser).executeScript("return localStorage.getItem('agent-mesh-token')")).isNull();
        }
    }
}
