package io.agentmesh.service.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Path segments from user input, encoded so an odd id cannot change the path. */
final class Paths {

    private Paths() {
    }

    static String segment(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
