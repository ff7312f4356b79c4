package dev.dlp.data;

import dev.dlp.SyntheticMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzipFilesWithTheirContents() throws IOException {
        byte[] data = new byte[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 10);
        }
        SyntheticMnist.writeIdx(dir.resolve("a"), false, new int[]{2, 3, 4}, data, 3);
        SyntheticMnist.writeIdx(dir.resolve("a.gz"), true, new int[]{2, 3, 4}, data, 3);
        for (String name : new String[]{"a", "a.gz"}) {
            Idx.Tensor t = Idx.read(dir.resolve(name), 3);
            assertArrayEquals(new int[]{2, 3, 4}, t.dims());
            assertArrayEquals(data, t.data());
            assertEquals(12, t.itemSize());
        }
    }

    @Test
    void badMagicNamesTheFile() throws IOException {
        Path f = dir.resolve("bad");
        Files.write(f, new byte[]{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 5});
        DataException e = assertThrows(DataException.class, () -> Idx.read(f, 1));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void truncatedFileNamesTheFile() throws IOException {
        Path f = dir.resolve("short");
        SyntheticMnist.writeIdx(f, false, new int[]{10, 28, 28}, new byte[10 * 784], 3);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 100));
        DataException e = assertThrows(DataException.class, () -> Idx.read(f, 3));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void wrongDimensionCountIsRejected() throws IOException {
        Path f = dir.resolve("labels");
        SyntheticMnist.writeIdx(f, false, new int[]{4}, new byte[4], 1);
        assertThrows(DataException.class, () -> Idx.read(f, 3));
    }

    @Test
    void mnistLoaderScalesPixelsAndChecksLabels() throws IOException {
        SyntheticMnist.write(dir, 50, 20);
        Mnist.Images train = Mnist.load(dir, Mnist.Split.TRAIN, 0);
        Mnist.Images test = Mnist.load(dir, Mnist.Split.TEST, 10);
        assertEquals(50, train.size());
        assertEquals(10, test.size());
        for (float p : train.pixels()) {
            assertTrue(p >= 0f && p <= 1f);
        }
        float[] oneHot = train.oneHot();
        assertEquals(1f, oneHot[train.labels()[0]]);
        assertThrows(DataException.class, () -> Mnist.load(dir.resolve("missing"), Mnist.Split.TRAIN, 0));
    }
}
