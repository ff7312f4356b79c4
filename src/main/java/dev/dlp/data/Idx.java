package dev.dlp.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of the MNIST files (plain or gzip): a big-endian magic {@code 0x000008NN} (unsigned
 * bytes, NN dimensions), the dimension sizes, then the data.
 */
public final class Idx {
    private Idx() {
    }

    /** An IDX tensor of unsigned bytes. */
    public record Tensor(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }

        /** Elements per item: the product of all dimensions but the first. */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) {
                s *= dims[i];
            }
            return s;
        }
    }

    /** Reads an IDX file of unsigned bytes with {@code expectedDims} dimensions. */
    public static Tensor read(Path file, int expectedDims) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            int type = (magic >>> 8) & 0xff;
            int ndims = magic & 0xff;
            if ((magic >>> 16) != 0 || type != 0x08) {
                throw new DataException(file + ": not an IDX file of unsigned bytes (bad magic number 0x"
                        + String.format("%08x", magic) + ")");
            }
            if (ndims != expectedDims) {
                throw new DataException(file + ": expected " + expectedDims + " dimensions, the header says " + ndims);
            }
            int[] dims = new int[ndims];
            long total = 1;
            for (int i = 0; i < ndims; i++) {
                dims[i] = d.readInt();
                if (dims[i] <= 0) {
                    throw new DataException(file + ": dimension " + i + " is " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new DataException(file + ": too large (" + total + " elements)");
            }
            byte[] data = new byte[(int) total];
            try {
                d.readFully(data);
            } catch (EOFException e) {
                throw new DataException(file + ": truncated: the header promises " + total
                        + " bytes of data, the file has fewer");
            }
            if (d.read() != -1) {
                throw new DataException(file + ": has trailing bytes after the " + total + " bytes of data");
            }
            return new Tensor(dims, data);
        } catch (DataException e) {
            throw e;
        } catch (EOFException e) {
            throw new DataException(file + ": truncated header");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
