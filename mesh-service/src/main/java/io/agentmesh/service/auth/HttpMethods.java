package io.agentmesh.service.auth;

import jakarta.ws.rs.HttpMethod;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/** The HTTP method a JAX-RS resource method answers, or null for other methods. */
public final class HttpMethods {

    private HttpMethods() {
    }

    public static String of(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }
}
