package io.agentmesh.service.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers for a node with authentication on: the settings that turn it on (one admin token
 * for every secured test class: the first node to start installs it as the bootstrap admin), and
 * calls that carry a token.
 */
public final class Secured {

    /** The bootstrap admin token of every secured test node (they share one database). */
    public static final String ADMIN_TOKEN = "mko_test-admin-token-0123456789abcdefghijklmnop";

    private Secured() {
    }

    /** Authentication on, the test admin installed, plus {@code extra}. */
    public static MeshApp.Setting[] settings(MeshApp.Setting... extra) {
        List<MeshApp.Setting> all = new ArrayList<>(List.of(
                MeshApp.set("auth.enabled", "true"),
                MeshApp.set("auth.bootstrapToken", ADMIN_TOKEN),
                MeshApp.set("auth.bootstrapTokenFile", "")));
        all.addAll(List.of(extra));
        return all.toArray(MeshApp.Setting[]::new);
    }

    public static Http.Reply get(String url, String token) {
        return Http.send(auth(HttpRequest.newBuilder(URI.create(url)).GET(), token));
    }

    public static Http.Reply delete(String url, String token) {
        return Http.send(auth(HttpRequest.newBuilder(URI.create(url)).DELETE(), token));
    }

    public static Http.Reply post(String url, String token, String json) {
        return Http.send(auth(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), token));
    }

    public static Http.Reply put(String url, String token, String json) {
        return Http.send(auth(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), token));
    }

    public static HttpRequest.Builder auth(HttpRequest.Builder b, String token) {
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    /** Issues an operator credential with the admin token; returns the token. */
    public static String issue(MeshApp mesh, String name, String role) {
        Http.Reply r = post(mesh.url("/api/v1/credentials"), ADMIN_TOKEN,
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("issuing " + role + " " + name + ": " + r.status() + " " + r.body());
        }
        return r.json().path("token").asText();
    }

    /** Registers an agent with {@code token}; returns the answer (with api_key when one was issued). */
    public static JsonNode register(MeshApp mesh, String token, String id) {
        Http.Reply r = post(mesh.url("/api/v1/agents"), token,
                "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"capabilities\":[\"" + id + "\"]}");
        if (r.status() != 201 && r.status() != 200) {
            throw new AssertionError("registering " + id + ": " + r.status() + " " + r.body());
        }
        return r.json();
    }
}
