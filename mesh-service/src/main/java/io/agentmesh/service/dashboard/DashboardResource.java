package io.agentmesh.service.dashboard;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The runbook's three operator pages on the REST port: {@code /dashboard/topology},
 * {@code /dashboard/agents} and {@code /dashboard/messages}, with their scripts and style from the
 * jar (no CDN, no build step). The pages hold no data: their scripts read the REST API with the
 * operator's own credential, so what a viewer sees and what only an operator may do is the API's
 * access table.
 */
@Path("/dashboard")
public final class DashboardResource {

    /** What may be fetched under /dashboard/assets/, and as what. */
    static final Map<String, String> ASSETS = Map.of(
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "topology.js", "text/javascript; charset=utf-8",
            "agents.js", "text/javascript; charset=utf-8",
            "messages.js", "text/javascript; charset=utf-8");

    /** Scripts and styles from this origin only, no inline code, no framing by other sites. */
    static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    @GET
    @Path("topology")
    @Produces(MediaType.TEXT_HTML)
    @Allow(Access.PUBLIC)
    public Response topology() {
        return page("topology", "Mesh Topology");
    }

    @GET
    @Path("agents")
    @Produces(MediaType.TEXT_HTML)
    @Allow(Access.PUBLIC)
    public Response agents() {
        return page("agents", "Agent Registry");
    }

    @GET
    @Path("messages")
    @Produces(MediaType.TEXT_HTML)
    @Allow(Access.PUBLIC)
    public Response messages() {
        return page("messages", "Message Flow");
    }

    @GET
    @Path("assets/{file}")
    @Allow(Access.PUBLIC)
    public Response asset(@PathParam("file") String file) {
        String type = ASSETS.get(file);
        if (type == null) {
            throw new MeshException(ErrorCode.NOT_FOUND, "no dashboard asset " + file, Map.of("file", file));
        }
        return Response.ok(read(file)).type(type).header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    /** The one page template with this page's title and script. */
    private static Response page(String name, String title) {
        String html = new String(read("page.html"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("__PAGE__", name).replace("__TITLE__", title);
        return Response.ok(html).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .header("Content-Security-Policy", POLICY).header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    private static byte[] read(String file) {
        try (InputStream in = DashboardResource.class.getResourceAsStream("/dashboard/" + file)) {
            if (in == null) {
                throw new MeshException(ErrorCode.NOT_FOUND, "no dashboard file " + file, Map.of("file", file));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
