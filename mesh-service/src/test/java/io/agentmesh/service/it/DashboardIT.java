package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runbook's dashboards in a real headless Chromium (Debian's chromium and chromium-driver, no
 * download at run time) against a real mesh: each page loads without console errors, and what
 * happens in the mesh shows up on them without a reload; the pages' actions are the API's.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    static final MeshApp MESH = MeshApp.onSharedBroker();
    static final DropwizardAppExtension<MeshConfiguration> APP = MESH.extension();
    private static HeadlessChromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() {
        chromium = new HeadlessChromium(1280, 800);
        browser = chromium.driver;
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return chromium.waitUpTo(seconds);
    }

    private static List<String> consoleErrors() {
        return chromium.consoleErrors();
    }

    private static void shot(String name) throws Exception {
        chromium.shot(name);
    }

    private static void open(String page) {
        browser.get(MESH.url("/dashboard/" + page));
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main section")));
    }

    /** Clicks the element once it is there, again if the page redrew it between finding and clicking. */
    private static void clickWhenThere(By what) {
        chromium.click(what);
    }

    private static String register(String id, String namespace, String capability) {
        Http.Reply r = Http.post(MESH.url("/api/v1/agents"), "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"namespace\":\""
                + namespace + "\",\"capabilities\":[\"" + capability + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void eachPageLoadsWithoutConsoleErrorsAndShowsTheMeshLive() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        for (String page : List.of("topology", "agents", "messages")) {
            open(page);
            Thread.sleep(1500); // a round of the page's polling
            assertThat(consoleErrors()).as(page).isEmpty();
            assertThat(browser.getTitle()).contains("Agent Mesh");
        }

        // an agent registered now appears on the open agents page, without a reload
        open("agents");
        String planner = register("planner-" + suffix, "research", "plan");
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + planner + "']")));
        String writer = register("writer-" + suffix, "content", "write");
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + writer + "']")));
        shot("agents");

        // and in the topology; a message between two agents is an edge there and a line of the message log
        open("topology");
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("circle[data-agent='" + planner + "']")));
        Http.Reply sent = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + writer + "\",\"from\":\"" + planner
                + "\",\"payload\":{\"task\":\"draft\"}}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String messageId = sent.json().path("id").asText();
        waitUpTo(15).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("path[data-edge='" + planner + "->" + writer + "']")));
        shot("topology");
        open("messages");
        waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message-log"), messageId));
        assertThat(consoleErrors()).isEmpty();

        // an agent's open Connect stream is counted on its row; it takes the message and acks it
        try (GrpcClient grpc = new GrpcClient(MESH.grpcPort())) {
            GrpcClient.Connection stream = grpc.connect(writer, 1);
            open("agents");
            waitUpTo(15).until(d -> d.findElement(By.cssSelector("tr[data-id='" + writer + "'] td:last-child")).getText()
                    .equals("1"));
            await().atMost(15, SECONDS).until(() -> stream.ids().contains(messageId));
            stream.ack(List.of(stream.received.get(0).getDeliveryId()));
            // the message's life, opened from its line of the log: accepted, routed, delivered, acked
            open("messages");
            clickWhenThere(By.cssSelector("#message-log tr[data-id='" + messageId + "']"));
            waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("life-id"), messageId));
            await().atMost(15, SECONDS).untilAsserted(() -> {
                browser.findElement(By.id("message-open")).click();
                Thread.sleep(300);
                @SuppressWarnings("unchecked")
                List<String> steps = (List<String>) ((JavascriptExecutor) browser).executeScript(
                        "return [...document.querySelectorAll('#message-life li[data-event]')].map(li => li.dataset.event)");
                assertThat(steps).containsSubsequence("accepted", "routed", "delivered", "acked");
            });
            stream.cancel();
            // the charts have a few samples, the life is open
            Thread.sleep(5000);
            shot("messages");
        }
        // an acked message is still an edge
        open("topology");
        waitUpTo(15).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("path[data-edge='" + planner + "->" + writer + "']")));
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void onAPhoneInTheDarkThemeThePagesFitTheScreen() throws Exception {
        register("phone-" + UUID.randomUUID().toString().substring(0, 6), "mobile", "call");
        try (HeadlessChromium phone = new HeadlessChromium(390, 844)) {
            phone.driver.get(MESH.url("/dashboard/agents"));
            ((JavascriptExecutor) phone.driver).executeScript("localStorage.setItem('agent-mesh-theme', 'dark')");
            for (String page : List.of("topology", "agents", "messages")) {
                phone.driver.get(MESH.url("/dashboard/" + page));
                phone.waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main section")));
                Thread.sleep(1500);
                assertThat(((JavascriptExecutor) phone.driver).executeScript("return document.documentElement.dataset.theme"))
                        .isEqualTo("dark");
                // wide tables scroll inside their section; the page itself does not scroll sideways
                Number overflow = (Number) ((JavascriptExecutor) phone.driver).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertThat(overflow.intValue()).as(page + " wider than the phone").isLessThanOrEqualTo(1);
                assertThat(phone.consoleErrors()).as(page).isEmpty();
                if (page.equals("agents")) {
                    phone.shot("agents-phone-dark");
                }
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aDeadLetterIsReplayedFromThePageAndAHealthOverrideIsSetFromIt() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String cap = "ocr-" + suffix;
        Http.Reply lost = Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"capability:" + cap
                + "\",\"payload\":{\"page\":1},\"max_attempts\":1}");
        assertThat(lost.status()).as(lost.body()).isEqualTo(202);
        String messageId = lost.json().path("id").asText();
        open("messages");
        WebElement target = browser.findElement(By.id("dlq-target"));
        target.sendKeys("capability:" + cap);
        target.sendKeys(org.openqa.selenium.Keys.TAB);
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("dlq-table"), messageId));
        String ocr = register("ocr-agent-" + suffix, "default", cap);

        // the filter shows this one dead letter: select what is shown
        browser.findElement(By.id("dlq-select-all")).click();
        waitUpTo(10).until(d -> d.findElement(By.cssSelector("#dlq-table input[type=checkbox]")).isSelected());
        browser.findElement(By.id("dlq-dry-run")).click();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("dlq-result"), "would replay"));
        browser.findElement(By.id("dlq-replay")).click();
        waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("dlq-result"), "replay id"));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('dlq-table').scrollIntoView()");
        shot("messages-dlq");

        // the replay reached the inbox and is in the audit
        Topics topics = new Topics(TestInfra.get().bootstrapServers());
        try {
            var inbox = topics.readUntil(MESH.topic("agent." + ocr), rs -> !rs.isEmpty(), Duration.ofSeconds(30));
            assertThat(Topics.header(inbox.get(0), MeshHeaders.ID)).isEqualTo(messageId);
        } finally {
            topics.close();
        }
        JsonNode audit = Http.get(MESH.url("/api/v1/queues/dlq/replays")).json().path("replays").get(0);
        assertThat(audit.path("replayed").asInt()).isEqualTo(1);

        // a health override from the agent's detail is what the API then says
        open("agents");
        clickWhenThere(By.cssSelector("tr[data-id='" + ocr + "']"));
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-id"), ocr));
        // typed and clicked again if the page redrew the detail in between (it does on every poll)
        waitUpTo(15).ignoring(org.openqa.selenium.ElementNotInteractableException.class).until(d -> {
            var reason = d.findElement(By.id("override-reason"));
            reason.clear();
            reason.sendKeys("disk full");
            d.findElement(By.id("mark-unhealthy")).click();
            return true;
        });
        waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
        await().atMost(10, SECONDS).until(() -> "unhealthy".equals(
                Http.get(MESH.url("/api/v1/agents/" + ocr + "/health")).json().path("status").asText()));
        assertThat(Http.get(MESH.url("/api/v1/agents/" + ocr + "/health")).body()).contains("disk full");
        assertThat(((JavascriptExecutor) browser).executeScript("return document.title")).isNotNull();
        assertThat(consoleErrors()).isEmpty();
    }

    /** Last: past 150 agents the topology draws a namespace as one node with its counts. */
    @Test
    @org.junit.jupiter.api.Order(4)
    void pastAHundredAndFiftyAgentsTheTopologyDrawsNamespaces() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        int before = Http.get(MESH.url("/api/v1/agents/count")).json().path("count").asInt();
        String away = register("away-" + suffix, "elsewhere", "far");
        for (int i = 0; i < 160 - before - 1; i++) {
            register("bulk-" + suffix + "-" + i, "bulk", "batch");
        }
        for (String from : List.of("bulk-" + suffix + "-0", "bulk-" + suffix + "-1")) {
            assertThat(Http.post(MESH.url("/api/v1/messages"), "{\"to\":\"agent:" + away + "\",\"from\":\"" + from
                    + "\",\"payload\":1}").status()).isEqualTo(202);
        }
        open("topology");
        waitUpTo(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("topology"), "bulk ("));
        assertThat(browser.findElements(By.cssSelector("circle[data-agent]"))).as("one node per namespace, not per agent").isEmpty();
        // the two agents' messages are one edge between their namespaces
        WebElement edge = waitUpTo(15).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("path[data-edge='bulk->elsewhere'][data-count='2']"));
            return found.isEmpty() ? null : found.get(0);
        });
        assertThat(edge).isNotNull();
        shot("topology-namespaces");
        // a namespace opens its agents in the registry, filtered
        browser.findElement(By.cssSelector("circle[data-namespace='elsewhere']")).click();
        waitUpTo(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + away + "']")));
        assertThat(browser.findElement(By.id("f-namespace")).getAttribute("value")).isEqualTo("elsewhere");
        assertThat(browser.findElements(By.cssSelector("tr[data-id^='bulk-']"))).isEmpty();
        assertThat(consoleErrors()).isEmpty();
    }
}
