package io.agentmesh.service.errors;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Why a call the mesh made to an agent (health check, push) failed, in a few words for logs and bodies. */
public final class OutboundFailures {

    private OutboundFailures() {
    }

    public static String describe(Throwable error, Duration timeout) {
        return describe(error, timeout, null);
    }

    /** As {@link #describe(Throwable, Duration)}, naming where the call went ({@code url} may be null). */
    public static String describe(Throwable error, Duration timeout, java.net.URI url) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String where = url == null ? "" : " " + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms" + (url == null ? "" : " from" + where);
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused by" + (url == null ? " the agent" : where) + " (nothing listening?)";
        }
        if (cause instanceof java.nio.channels.UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
            return "unknown host" + where;
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return "TLS failed with" + where + ": " + cause.getMessage();
        }
        if (cause instanceof java.io.IOException) {
            return "connection to" + (url == null ? " the agent" : where) + " failed"
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
