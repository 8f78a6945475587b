package io.agentmesh.streams.router;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A message waiting in the retry store: the original record (key, value, headers, timestamp), its
 * routing key, when it first failed and why, how many target checks had happened when it was
 * parked (its attempt count is the checks since, plus one), and when it gives up: its expiry, or
 * the time its last attempt would fall due under its retry policy. Serialized with a small
 * versioned binary format; version 1 (before targets were checked once for all their messages)
 * is still read.
 */
record ParkedRecord(byte[] key, byte[] value, Headers headers, long timestamp, String routingKey, long firstFailureMs,
                    String lastReason, String lastError, String origin, long checksAtPark, long deadlineMs,
                    boolean expires, int maxAttempts) {

    private static final byte V1 = 1;
    private static final byte V2 = 2;

    /** The same message, noted as parked when its target had had {@code checks} failed checks. */
    ParkedRecord parkedAt(long checks) {
        return new ParkedRecord(key, value, headers, timestamp, routingKey, firstFailureMs, lastReason, lastError, origin,
                checks, deadlineMs, expires, maxAttempts);
    }

    /** Its attempts so far when its target has had {@code checks} failed checks: the first, then one per check. */
    int attempts(long checks) {
        return (int) Math.min(Integer.MAX_VALUE, 1 + Math.max(0, checks - checksAtPark));
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(V2);
            writeBytes(out, key);
            writeBytes(out, value);
            Header[] hs = headers.toArray();
            out.writeInt(hs.length);
            for (Header h : hs) {
                out.writeUTF(h.key());
                writeBytes(out, h.value());
            }
            out.writeLong(timestamp);
            out.writeUTF(routingKey);
            out.writeLong(firstFailureMs);
            out.writeUTF(nullToEmpty(lastReason));
            out.writeUTF(nullToEmpty(lastError));
            out.writeUTF(nullToEmpty(origin));
            out.writeLong(checksAtPark);
            out.writeLong(deadlineMs);
            out.writeBoolean(expires);
            out.writeInt(maxAttempts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ParkedRecord fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != V1 && version != V2) {
                throw new IllegalStateException("unknown parked record version " + version);
            }
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            RecordHeaders headers = new RecordHeaders();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            long timestamp = in.readLong();
            if (version == V1) {
                // attempts, first and last failure, reason, error, origin; the routing key was the store key
                in.readInt();
                long first = in.readLong();
                in.readLong();
                String reason = emptyToNull(in.readUTF());
                String error = emptyToNull(in.readUTF());
                String origin = emptyToNull(in.readUTF());
                return new ParkedRecord(key, value, headers, timestamp, null, first, reason, error, origin, 0, 0, false, 0);
            }
            return new ParkedRecord(key, value, headers, timestamp, in.readUTF(), in.readLong(),
                    emptyToNull(in.readUTF()), emptyToNull(in.readUTF()), emptyToNull(in.readUTF()), in.readLong(),
                    in.readLong(), in.readBoolean(), in.readInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return in.readNBytes(n);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
