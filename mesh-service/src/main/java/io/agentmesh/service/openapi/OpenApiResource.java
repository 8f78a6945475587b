package io.agentmesh.service.openapi;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.List;

/** {@code GET /openapi.json}: the REST API's OpenAPI 3.1 document, built once from the resources served. */
@Path("/openapi.json")
public final class OpenApiResource {

    private final OpenApiDocument document;
    private volatile String json;

    public OpenApiResource(OpenApiDocument document) {
        this.document = document;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Allow(Access.PUBLIC)
    public String get(@Context Configuration jersey) {
        String out = json;
        if (out == null) {
            List<Class<?>> resources = new ArrayList<>();
            for (Object o : jersey.getInstances()) {
                if (o.getClass().isAnnotationPresent(Path.class)) {
                    resources.add(o.getClass());
                }
            }
            for (Class<?> c : jersey.getClasses()) {
                if (c.isAnnotationPresent(Path.class)) {
                    resources.add(c);
                }
            }
            out = document.json(resources);
            json = out;
        }
        return out;
    }
}
