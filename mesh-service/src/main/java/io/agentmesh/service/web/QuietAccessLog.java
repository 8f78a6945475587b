package io.agentmesh.service.web;

import ch.qos.logback.access.jetty.RequestLogImpl;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Keeps logback-access from printing its start-up status to the console: with Dropwizard's repackaged
 * Jetty 12 request log, its version check always warns that the module versions differ, a dozen
 * lines that look like a fault on every start. The access log itself is unchanged.
 */
public final class QuietAccessLog implements LifeCycle.Listener {

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server && server.getRequestLog() instanceof RequestLogImpl log) {
            log.setQuiet(true);
        }
    }
}
