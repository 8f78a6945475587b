package io.agentmesh.tools.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a first write to a fresh page of a memory-mapped sparse file costs on a filesystem. Kafka's
 * offset and time indexes are such files (preallocated to {@code segment.index.bytes}, sparse), so
 * a broker pays this twice for every new partition, when the partition's first index entry is
 * written (after {@code index.interval.bytes}, 4 KiB, of records): a broadcast that takes 100
 * fresh inboxes past that point pays it 200 times in one commit-marker write.
 */
final class MappedPageProbe {

    private static final int FILE_BYTES = 10 * 1024 * 1024;

    private MappedPageProbe() {
    }

    /** Milliseconds per first write, the mean over {@code files} files made under {@code dir} (and removed). */
    static double firstWriteMillis(Path dir, int files) throws IOException {
        Path probe = Files.createTempDirectory(dir, "mmap-probe-");
        List<RandomAccessFile> open = new ArrayList<>();
        try {
            List<MappedByteBuffer> maps = new ArrayList<>();
            for (int i = 0; i < files; i++) {
                RandomAccessFile f = new RandomAccessFile(probe.resolve("index-" + i).toFile(), "rw");
                open.add(f);
                f.setLength(FILE_BYTES);
                maps.add(f.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES));
            }
            long start = System.nanoTime();
            for (MappedByteBuffer m : maps) {
                m.putLong(0, 42L);
            }
            return (System.nanoTime() - start) / 1e6 / files;
        } finally {
            for (RandomAccessFile f : open) {
                f.close();
            }
            try (var paths = Files.list(probe)) {
                for (Path p : paths.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(probe);
        }
    }
}
