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
 * A message waiting in the retry store: the original record (key, value, headers, timestamp) and
 * its retry history. Serialized with a small versioned binary format.
 */
record ParkedRecord(byte[] key, byte[] value, Headers headers, long timestamp, int attempts,
                    long firstFailureMs, long lastFailureMs, String lastReason, String lastError, String origin) {

    private static final byte VERSION = 1;

    ParkedRecord failedAgain(long now, String reason, String error) {
        return new ParkedRecord(key, value, headers, timestamp, attempts + 1,
                firstFailureMs == 0 ? now : firstFailureMs, now, reason, error, origin);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeBytes(out, key);
            writeBytes(out, value);
            Header[] hs = headers.toArray();
            out.writeInt(hs.length);
            for (Header h : hs) {
                out.writeUTF(h.key());
                writeBytes(out, h.value());
            }
            out.writeLong(timestamp);
            out.writeInt(attempts);
            out.writeLong(firstFailureMs);
            out.writeLong(lastFailureMs);
            out.writeUTF(lastReason == null ? "" : lastReason);
            out.writeUTF(lastError == null ? "" : lastError);
            out.writeUTF(origin == null ? "" : origin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ParkedRecord fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown parked record version " + version);
            }
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            RecordHeaders headers = new RecordHeaders();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new ParkedRecord(key, value, headers, in.readLong(), in.readInt(), in.readLong(), in.readLong(),
                    emptyToNull(in.readUTF()), emptyToNull(in.readUTF()), emptyToNull(in.readUTF()));
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

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
