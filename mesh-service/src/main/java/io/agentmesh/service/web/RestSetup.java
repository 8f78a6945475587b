package io.agentmesh.service.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.config.MessagesSettings;
import io.agentmesh.service.errors.CatchAllMapper;
import io.agentmesh.service.errors.JsonErrorHandler;
import io.agentmesh.service.errors.JsonErrorMapper;
import io.agentmesh.service.errors.MeshExceptionMapper;
import io.agentmesh.service.errors.WebApplicationExceptionMapper;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;

import java.util.EnumSet;
import java.util.Map;

/** The REST API's common ground: the one error body for every failure, and request size limits. */
public final class RestSetup {

    private RestSetup() {
    }

    public static void register(Environment env, ObjectMapper mapper, MessagesSettings messages) {
        env.jersey().register(new MeshExceptionMapper());
        env.jersey().register(new JsonErrorMapper());
        env.jersey().register(new WebApplicationExceptionMapper());
        env.jersey().register(new CatchAllMapper());
        // what Jetty answers itself (before Jersey: a path too long or ambiguous) is JSON too
        JsonErrorHandler jetty = new JsonErrorHandler();
        env.getApplicationContext().setErrorHandler(jetty);
        env.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(jetty));
        env.lifecycle().addEventListener(new QuietAccessLog());
        env.servlets().addFilter("request-size", new RequestSizeLimitFilter(messages.maxMessageBytes(),
                        Map.of("/api/v1/messages/batch", messages.getMaxBatchBytes()), mapper))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
    }
}
