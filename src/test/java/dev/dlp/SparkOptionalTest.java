package dev.dlp;

import dev.dlp.scale.SparkServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The default build has no Spark: asking for it ({@code dlp sweep --spark}, {@code train.distributed.engine: spark})
 * is bad input naming the option or key and how to get the Spark build, found before anything is written. (The
 * Spark build's own tests are in src/spark-test.)
 */
class SparkOptionalTest {
    @TempDir
    Path tmp;

    @Test
    void thePomsSparkTestOptionsOpenTheSamePackagesAsDlp() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<test.jvm.extra>([^<]*)</test.jvm.extra>")
                .matcher(pom);
        String options = "";
        while (options.isBlank() && m.find()) {   // the default build's is empty; the Spark profile's is the list
            options = m.group(1);
        }
        assertTrue(!options.isBlank(), "the Spark profile's test JVM options");
        java.util.List<String> fromPom = java.util.Arrays.stream(options.trim().split("\\s+"))
                .map(o -> o.replace("--add-opens=java.base/", "").replace("=ALL-UNNAMED", "")).toList();
        java.util.List<String> list = Files.readAllLines(Path.of("scripts/spark-opens.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        assertEquals(list, fromPom);
    }

    @Test
    void withoutTheSparkBuildSparkIsExit2AndWritesNothing() throws IOException {
        assumeTrue(SparkServices.find().isEmpty(), "this is the Spark build");
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 200, 50);
        Path root = tmp.resolve("models");
        TestCli.Outcome sweep = TestCli.run("sweep", "lenet", "--config", "mnist-softmax", "--spark", "local[2]",
                "--grid", "train.updater.lr=0.001,0.01", "--data-dir", data.toString(), "--runs-root", root.toString());
        assertEquals(2, sweep.exit(), sweep.toString());
        assertTrue(sweep.err().contains("--spark") && sweep.err().contains("mvn -Pspark package"), sweep.err());
        TestCli.Outcome train = TestCli.run("lenet", "--config", "mnist-softmax", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "--set", "train.distributed.engine=spark");
        assertEquals(2, train.exit(), train.toString());
        assertTrue(train.err().contains("train.distributed.engine"), train.err());
        assertFalse(Files.exists(root), "nothing written under the runs root");
        TestCli.Outcome bad = TestCli.run("lenet", "--config", "mnist-softmax", "--data-dir", data.toString(),
                "--runs-root", root.toString(), "--set", "train.distributed.engine=mpi");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("train.distributed.engine"), bad.err());
    }
}
