package io.agentmesh.service.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorBody;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * Refuses request bodies over the limit with 413 before they are buffered: at once from
 * Content-Length, or while reading a chunked body.
 */
public final class RequestSizeLimitFilter implements Filter {

    private static final long MAX_DRAIN = 8L * 1024 * 1024;

    private final long defaultLimit;
    private final Map<String, Long> limitsByPath;
    private final ObjectMapper mapper;

    /** {@code limitsByPath}: request URIs (exact) with a limit of their own, e.g. the batch send. */
    public RequestSizeLimitFilter(long defaultLimit, Map<String, Long> limitsByPath, ObjectMapper mapper) {
        this.defaultLimit = defaultLimit;
        this.limitsByPath = Map.copyOf(limitsByPath);
        this.mapper = mapper;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        long limit = limitsByPath.getOrDefault(http.getRequestURI(), defaultLimit);
        if (http.getContentLengthLong() > limit) {
            drain(http, limit);
            HttpServletResponse out = (HttpServletResponse) res;
            out.setHeader("Connection", "close");
            out.setStatus(413);
            out.setContentType(io.agentmesh.service.errors.ErrorBody.MEDIA_TYPE);
            mapper.writeValue(out.getOutputStream(), ErrorBody.of(tooLarge(http.getContentLengthLong(), limit), http.getRequestURI()));
            return;
        }
        chain.doFilter(new LimitedRequest(http, limit), res);
    }

    /**
     * Reads and discards a moderately oversized body so the client, still sending, gets the 413
     * instead of a reset connection; a huge one is cut off (the connection closes).
     */
    private void drain(HttpServletRequest request, long limit) throws IOException {
        long budget = Math.max(limit * 4, MAX_DRAIN);
        if (request.getContentLengthLong() > budget) {
            return;
        }
        byte[] buffer = new byte[16 * 1024];
        var in = request.getInputStream();
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    private static MeshException tooLarge(long size, long limit) {
        return new MeshException(ErrorCode.PAYLOAD_TOO_LARGE, "request body of " + (size < 0 ? "more than " + limit : size)
                + " bytes exceeds the limit of " + limit, Map.of("limit", limit));
    }

    private final class LimitedRequest extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws IOException {
                        read += n;
                        if (read > max) {
                            // the client is still sending: read a moderate rest so it gets the 413, not a reset
                            byte[] buffer = new byte[16 * 1024];
                            long budget = Math.max(max * 4, MAX_DRAIN);
                            for (int got; read <= budget && (got = in.read(buffer)) >= 0; ) {
                                read += got;
                            }
                            throw tooLarge(-1, max);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
