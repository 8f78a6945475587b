package io.agentmesh.service.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Who may call this REST resource method (default deny: a method without it stops the mesh from starting). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Allow {
    Access value();

    /**
     * Whether an allowed call at operator level is recorded in the audit; false only for routine
     * signs of life that decide nothing (a host's heartbeats). Refusals are always recorded.
     */
    boolean audited() default true;
}
