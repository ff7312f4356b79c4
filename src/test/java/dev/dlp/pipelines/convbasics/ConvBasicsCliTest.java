package dev.dlp.pipelines.convbasics;

import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dlp conv-basics} through the shipped CLI: the run directory, the table, the inputs, bad values. */
class ConvBasicsCliTest {
    @TempDir
    Path tmp;

    @Test
    void defaultRunWritesPictureConfigAndShapeTable() throws IOException {
        TestCli.Outcome o = TestCli.run("conv-basics", "-q", "--runs-root", tmp.resolve("models").toString());
        assertEquals(0, o.exit(), o.toString());
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("models/conv-basics"))) {
            run = s.findFirst().orElseThrow();
        }
        assertTrue(o.out().startsWith("run: " + run + "\n"), o.out());
        assertTrue(o.out().contains(ConvBasics.FORMULA), o.out());
        // 3 kernels x 3 paddings x 2 strides, each with the op's shape and the formula's
        assertEquals(18, o.out().lines().filter(l -> l.contains("⌋ + 1 = ")).count(), o.out());
        assertTrue(o.out().contains("sobel-x        3x3    same     0+1    2       8x8      ⌊(16 + (0+1) - 1·(3-1) - 1)/2⌋ + 1 = 8"),
                o.out());
        assertFalse(o.out().contains("differs from the op"), o.out());
        assertTrue(o.out().contains("cross-correlation, not convolution"), o.out());
        assertTrue(o.out().contains("sobel-x        flipping negates it"), o.out());
        BufferedImage png = ImageIO.read(run.resolve("conv-basics.png").toFile());
        assertNotNull(png);
        assertTrue(png.getWidth() > 600 && png.getHeight() > 600, png.getWidth() + "x" + png.getHeight());
        assertTrue(Files.readString(run.resolve("shapes.txt")).contains(ConvBasics.FORMULA));
        ConvBasicsConfig resolved = ConfigLoader.load(new ConfigLoader.Source("config.yaml",
                run.resolve("config.yaml"), null), List.of(), ConvBasicsConfig.class, ConvBasicsConfig.DEFAULTS)
                .value();
        assertEquals(ConvBasicsConfig.DEFAULTS, resolved);
        // a run like the others: summary.json, listed by dlp runs
        TestCli.Outcome runs = TestCli.run("runs", "conv-basics", "--runs-root", tmp.resolve("models").toString(),
                "--csv");
        assertEquals(0, runs.exit(), runs.toString());
        assertTrue(runs.out().contains(run.getFileName() + ",completed,"), runs.out());
    }

    @Test
    void optionsOverrideTheConfigAndTheResolvedConfigReproducesTheRun() {
        Path out = tmp.resolve("out");
        TestCli.Outcome o = TestCli.run("conv-basics", "-q", "--out", out.toString(), "--random", "7x10",
                "--kernel", "sobel-y", "--kernel", "random:2", "--padding", "1", "--stride", "2", "--dilation", "2",
                "--seed", "3");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("input: random 7x10, uniform in [0, 1), seed 3"), o.out());
        // rows 7: floor((7 + 2 - 2*2 - 1)/2) + 1 = 3, columns 10: floor((10 + 2 - 4 - 1)/2) + 1 = 4
        assertTrue(o.out().contains("sobel-y        3x3    1        1      2       3x4      ⌊(7 + 2·1 - 2·(3-1) - 1)/2⌋ + 1 = 3; "
                + "⌊(10 + 2·1 - 2·(3-1) - 1)/2⌋ + 1 = 4"), o.out());
        assertTrue(o.out().contains("random:2       not symmetric: a true convolution differs"), o.out());
        assertTrue(Files.isRegularFile(out.resolve("conv-basics.png")));
        TestCli.Outcome again = TestCli.run("conv-basics", "-q", "--out", tmp.resolve("again").toString(),
                "--config", out.resolve("config.yaml").toString());
        assertEquals(0, again.exit(), again.toString());
        assertEquals(withoutPaths(o.out()), withoutPaths(again.out()));
    }

    private static String withoutPaths(String out) {
        return out.lines().filter(l -> !l.startsWith("run: ") && !l.startsWith("wrote ")).toList().toString();
    }

    @Test
    void digitAndImageInputs() throws IOException {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 10, 60);
        TestCli.Outcome digit = TestCli.run("conv-basics", "-q", "--out", tmp.resolve("d").toString(), "--digit",
                "3", "--data-dir", data.toString(), "--kernel", "laplacian", "--padding", "same", "--stride", "1");
        assertEquals(0, digit.exit(), digit.toString());
        assertTrue(digit.out().contains("(digit 3)") && digit.out().contains("28x28"), digit.out());

        Path png = tmp.resolve("wide.png");
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        img.getGraphics().fillRect(50, 20, 60, 40);
        ImageIO.write(img, "png", png.toFile());
        TestCli.Outcome image = TestCli.run("conv-basics", "-q", "--out", tmp.resolve("i").toString(), "--image",
                png.toString(), "--kernel", "box-blur", "--padding", "valid", "--stride", "1");
        assertEquals(0, image.exit(), image.toString());
        assertTrue(image.out().contains("wide.png 32x64 (100x200 scaled down)"), image.out());
        assertTrue(image.out().contains("30x62"), image.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--random 4x4 --kernel gaussian:5 --padding valid | kernels[0]: kernel 'gaussian:5' (5x5) is larger than the padded input",
        "--random 8x8 --kernel sobel-x --padding 1 --dilation 5 | (3x3 with dilation 5 spans 11x11) is larger than the padded input (8x8 input, padding 1 -> 10x10)",
        "--stride 0                   | stride[0]: must be >= 1, got 0",
        "--stride 2 --stride -1       | stride[1]: must be >= 1, got -1",
        "--dilation 0                 | dilation: must be >= 1",
        "--kernel sobelx              | unknown kernel 'sobelx' (did you mean 'sobel-x'?)",
        "--kernel sobel-x:5           | sobel-x is 3x3 only",
        "--kernel identity --kernel identity | kernels[1]: 'identity' is listed twice",
        "--padding full               | padding[0]: expected valid, same or a number of zeros, got 'full'",
        "--padding -1                 | padding[0]: must be in [0, 256], got -1",
        "--digit 12                   | input.digit: must be a digit 0-9, got 12",
        "--random 0x5                 | input.height: must be >= 1, got 0",
        "--random big                 | --random: expected HxW",
        "--set kernels=[]             | kernels: needs at least one value",
        "--set input.sorce=digit      | did you mean 'source'",
        "--image /nonexistent/x.png   | /nonexistent/x.png: no such file",
        "--digit 3 --data-dir /nonexistent/mnist | /nonexistent/mnist does not exist: run scripts/fetch-data.sh mnist",
    })
    void badValuesExit2NamingThem(String args, String message) {
        List<String> argv = new ArrayList<>(List.of("conv-basics", "--runs-root", tmp.resolve("models").toString()));
        argv.addAll(List.of(args.trim().split("\\s+")));
        TestCli.Outcome o = TestCli.run(argv.toArray(String[]::new));
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains(message.trim()), o.toString());
        assertEquals(1, o.err().strip().lines().count(), "one-line error: " + o.err());
        assertFalse(Files.exists(tmp.resolve("models")), "bad input must not create a run directory");
    }

    @Test
    void unreadableImageExits2NamingTheFile() throws IOException {
        Path bad = tmp.resolve("bad.png");
        Files.writeString(bad, "not a PNG");
        TestCli.Outcome o = TestCli.run("conv-basics", "--out", tmp.resolve("o").toString(), "--image",
                bad.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains(bad + ": not a readable image"), o.toString());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void listedInHelpAndConfigs() {
        assertTrue(TestCli.run("--help").out().contains("conv-basics"));
        TestCli.Outcome c = TestCli.run("configs", "conv-basics");
        assertEquals(0, c.exit(), c.toString());
        assertTrue(c.out().contains("kernels:"), c.out());
    }

    @Test
    void shippedConfigIsTheDefaults() {
        ConvBasicsConfig shipped = ConfigLoader.load(ConfigLoader.resolve(null, ConvBasics.NAME), List.of(),
                ConvBasicsConfig.class, ConvBasicsConfig.DEFAULTS).value();
        assertEquals(ConvBasicsConfig.DEFAULTS, shipped);
        assertEquals(3, shipped.validate().kernels().size());
        assertEquals(ConvBasics.NAME, ConfigLoader.shipped().get(ConvBasics.NAME), "configs/index.txt names it");
    }
}
