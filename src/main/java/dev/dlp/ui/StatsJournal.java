package dev.dlp.ui;

import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The live copy of a training run's statistics: an append-only file of DL4J's own stats records, which another
 * process can read while the run writes it.
 *
 * <p>Why not only {@code stats.dl4j}: DL4J's {@code FileStatsStorage} is a MapDB database that its writer holds
 * under a file lock, so no other process can open it until the run ends. The journal is written next to it, record
 * by record, holds everything the run's {@code stats.dl4j} holds, and is deleted when the run closes its stats
 * cleanly; {@code dlp ui} tails it for runs that are still training.
 *
 * <p>Format: records of {@code [int length][byte kind][UTF class name][DL4J's encoding of the record]}, where the
 * length counts what follows it. A reader takes complete records only, so a record being written is read on the next
 * poll.
 */
final class StatsJournal {
    static final String FILE = "stats.journal";

    /** What a record is to a {@link StatsStorageRouter}. */
    enum Kind {
        META, STATIC, UPDATE
    }

    /** One record read back. */
    record Entry(Kind kind, Persistable value) {
        /** Puts this record into {@code storage}, as the run's listener put it into its own. */
        void into(StatsStorageRouter storage) {
            switch (kind) {
                case META -> storage.putStorageMetaData((StorageMetaData) value);
                case STATIC -> storage.putStaticInfo(value);
                case UPDATE -> storage.putUpdate(value);
            }
        }
    }

    private StatsJournal() {
    }

    /** Appends every record routed to it; each record is on disk (in the page cache) when its put returns. */
    static final class Writer implements StatsStorageRouter, Closeable {
        private final DataOutputStream out;
        /** Updates (reports) put by a listener, not counting {@link #copySession}'s. */
        private long updates;

        Writer(Path file) throws IOException {
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
        }

        synchronized void append(Kind kind, Persistable p) {
            try {
                ByteArrayOutputStream body = new ByteArrayOutputStream(p.encodingLengthBytes() + 64);
                DataOutputStream d = new DataOutputStream(body);
                d.writeByte(kind.ordinal());
                d.writeUTF(p.getClass().getName());
                d.write(p.encode());
                out.writeInt(body.size());
                body.writeTo(out);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every record of {@code storage}'s session {@code sessionId}, e.g. what an earlier process of the run wrote. */
        void copySession(StatsStorage storage, String sessionId) {
            for (Entry e : entries(storage, sessionId)) {
                append(e.kind(), e.value());
            }
        }

        @Override
        public void putStorageMetaData(StorageMetaData m) {
            append(Kind.META, m);
        }

        @Override
        public void putStorageMetaData(Collection<? extends StorageMetaData> ms) {
            ms.forEach(this::putStorageMetaData);
        }

        @Override
        public void putStaticInfo(Persistable p) {
            append(Kind.STATIC, p);
        }

        @Override
        public void putStaticInfo(Collection<? extends Persistable> ps) {
            ps.forEach(this::putStaticInfo);
        }

        @Override
        public void putUpdate(Persistable p) {
            append(Kind.UPDATE, p);
            synchronized (this) {
                updates++;
            }
        }

        synchronized long updates() {
            return updates;
        }

        @Override
        public void putUpdate(Collection<? extends Persistable> ps) {
            ps.forEach(this::putUpdate);
        }

        @Override
        public synchronized void close() throws IOException {
            out.close();
        }
    }

    /** Every record of one session of {@code storage}: metadata, static information, then the updates in time order. */
    static List<Entry> entries(StatsStorage storage, String sessionId) {
        List<Entry> out = new ArrayList<>();
        List<String> types = storage.listTypeIDsForSession(sessionId);
        for (String type : types) {
            StorageMetaData m = storage.getStorageMetaData(sessionId, type);
            if (m != null) {
                out.add(new Entry(Kind.META, m));
            }
        }
        for (String type : types) {
            for (Persistable p : storage.getAllStaticInfos(sessionId, type)) {
                out.add(new Entry(Kind.STATIC, p));
            }
        }
        for (String type : types) {
            for (String worker : storage.listWorkerIDsForSessionAndType(sessionId, type)) {
                for (Persistable p : storage.getAllUpdatesAfter(sessionId, type, worker, -1)) {
                    out.add(new Entry(Kind.UPDATE, p));
                }
            }
        }
        return out;
    }

    /**
     * Reads a journal as it grows. A journal replaced by a new one (the run was resumed) is read again from its start;
     * putting a record twice into a stats storage replaces it (same session, type, worker and time stamp).
     */
    static final class Tail {
        private final Path file;
        private Object fileKey;
        private long offset;

        Tail(Path file) {
            this.file = file;
        }

        boolean exists() {
            return Files.isRegularFile(file);
        }

        /** The complete records appended since the last poll (none when the file is gone). */
        List<Entry> poll() throws IOException {
            List<Entry> got = new ArrayList<>();
            Object key;
            try {
                key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException e) {
                return got;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                if (key == null || !key.equals(fileKey) || f.length() < offset) {
                    fileKey = key;
                    offset = 0;
                }
                long length = f.length();
                while (length - offset >= 4) {
                    f.seek(offset);
                    int n = f.readInt();
                    if (n <= 0 || length - offset - 4 < n) {
                        break;   // being written: next poll
                    }
                    byte[] body = new byte[n];
                    f.readFully(body);
                    got.add(decode(body));
                    offset += 4 + n;
                }
            } catch (NoSuchFileException | java.io.FileNotFoundException e) {
                return got;
            }
            return got;
        }

        private Entry decode(byte[] body) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(body);
            Kind kind = Kind.values()[b.get()];
            int nameLength = b.getShort() & 0xFFFF;
            String cls = new String(body, b.position(), nameLength, StandardCharsets.UTF_8);
            b.position(b.position() + nameLength);
            Persistable p;
            try {
                Class<?> c = Class.forName(cls);
                if (!Persistable.class.isAssignableFrom(c)) {
                    throw new IOException(file + ": not a stats record class: " + cls);
                }
                p = (Persistable) c.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IOException(file + ": cannot read a record of " + cls + ": " + e, e);
            }
            byte[] enc = new byte[b.remaining()];
            b.get(enc);
            p.decode(enc);
            return new Entry(kind, p);
        }
    }
}
