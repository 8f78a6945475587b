package io.agentmesh.tools.dev;

import io.agentmesh.service.MeshApplication;
import io.agentmesh.service.MeshConfiguration;
import io.dropwizard.core.setup.Bootstrap;

/**
 * The mesh server with the {@code dev} command added: {@code ./mesh dev} runs this, so the server
 * jar never carries the in-process broker and ZooKeeper.
 */
public final class DevApplication extends MeshApplication {

    public static void main(String[] args) throws Exception {
        new DevApplication().run(args);
    }

    @Override
    public void initialize(Bootstrap<MeshConfiguration> bootstrap) {
        super.initialize(bootstrap);
        bootstrap.addCommand(new DevCommand(this));
    }
}
