package dev.dlp.pipelines.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import dev.dlp.data.Table;
import dev.dlp.pipelines.admit.Admissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** regress and admit on generated data with known answers, and every kind of bad CSV. */
class TabularPipelinesTest {
    @TempDir
    Path tmp;

    private Path runOf(String pipeline) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("models").resolve(pipeline))) {
            return s.findFirst().orElseThrow();
        }
    }

    private TestCli.Outcome train(String cmd, Path csv, String... sets) {
        List<String> args = new java.util.ArrayList<>(List.of(cmd, "-q", "--runs-root", tmp.resolve("models")
                .toString()));
        if (csv != null) {
            args.addAll(List.of("--data", csv.toString()));
        }
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        return TestCli.run(args.toArray(String[]::new));
    }

    @Test
    void gradientDescentMatchesTheClosedFormOnKnownCoefficients() throws IOException {
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder("x1,x2,x3,y\n");
        for (int i = 0; i < 300; i++) {
            double x1 = r.nextGaussian() * 10 + 50;
            double x2 = r.nextGaussian() * 0.1;
            double x3 = r.nextDouble() * 4;
            double y = 3 + 2 * x1 - 5 * x2 + 0.5 * x3 + r.nextGaussian() * 0.1;
            sb.append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f%n", x1, x2, x3, y));
        }
        Path csv = tmp.resolve("linear.csv");
        Files.writeString(csv, sb);
        TestCli.Outcome o = train("regress", csv, "data.target=y", "train.epochs=800");
        assertEquals(0, o.exit(), o.toString());
        JsonNode reg = ConfigLoader.json().readTree(runOf("regress").resolve("summary.json").toFile())
                .path("regression");
        assertTrue(reg.path("relative_coefficient_difference").asDouble() < 1e-3, reg.toString());
        List<String> coef = Files.readAllLines(runOf("regress").resolve("coefficients.csv"));
        double[] truth = {3, 2, -5, 0.5};
        for (int j = 0; j < truth.length; j++) {
            double gd = Double.parseDouble(coef.get(j + 1).split(",")[1]);
            assertEquals(truth[j], gd, 0.15, "coefficient " + coef.get(j + 1));
        }
        assertTrue(reg.path("test").path("gd_r2").asDouble() > 0.99, reg.toString());
        for (String f : List.of("loss.png", "fit.png", "preprocessing.json", "model.zip")) {
            assertTrue(Files.exists(runOf("regress").resolve(f)), f);
        }
        TestCli.Outcome p = TestCli.run("regress", "predict", "--model", runOf("regress").toString(), "x1=50",
                "x2=0", "x3=2");
        assertEquals(0, p.exit(), p.toString());
        double predicted = Double.parseDouble(p.out().trim().split(":\\s*")[1]);
        assertEquals(3 + 100 + 1, predicted, 0.3, p.out());
        assertEquals(2, TestCli.run("regress", "predict", "--model", runOf("regress").toString(), "x1=50",
                "x2=0", "x9=2").exit());
    }

    @Test
    void logisticSeparatesSeparableData() throws IOException {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 300; i++) {
            double a = r.nextDouble() * 2 - 1;
            double b = r.nextDouble() * 2 - 1;
            if (Math.abs(a + b) < 0.1) {
                continue; // a margin around the boundary
            }
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%d%n", a, b, a + b > 0 ? 1 : 0));
        }
        Path csv = tmp.resolve("separable.csv");
        Files.writeString(csv, sb);
        TestCli.Outcome o = train("regress", csv, "data.target=label", "model.kind=logistic", "train.epochs=300",
                "train.updater.lr=0.1");
        assertEquals(0, o.exit(), o.toString());
        JsonNode test = ConfigLoader.json().readTree(runOf("regress").resolve("summary.json").toFile())
                .path("regression").path("test");
        assertTrue(test.path("gd_accuracy").asDouble() >= 0.98, test.toString());
        assertTrue(Files.exists(runOf("regress").resolve("fit.png")));
    }

    @Test
    void admissionsGeneratorReproducesItsMarginals() {
        Table t = Table.parse("gen", Admissions.csv(20000, 11), List.of());
        double gre = 0;
        double gpa = 0;
        int[] ranks = new int[5];
        int admitted = 0;
        for (int i = 0; i < t.rows().size(); i++) {
            String[] row = t.rows().get(i);
            double g = Double.parseDouble(row[1]);
            double p = Double.parseDouble(row[2]);
            assertTrue(g >= 200 && g <= 800 && g % 20 == 0, "gre " + g);
            assertTrue(p >= 2.0 && p <= 4.0 && row[2].matches("\\d\\.\\d\\d"), "gpa " + row[2]);
            gre += g;
            gpa += p;
            ranks[Integer.parseInt(row[3])]++;
            admitted += Integer.parseInt(row[0]);
        }
        int n = t.rows().size();
        assertEquals(588, gre / n, 5);
        assertEquals(3.39, gpa / n, 0.03);
        assertEquals(0.15, ranks[1] / (double) n, 0.01);
        assertEquals(0.38, ranks[2] / (double) n, 0.01);
        assertEquals(0.30, ranks[3] / (double) n, 0.01);
        assertEquals(0.17, ranks[4] / (double) n, 0.01);
        double rate = admitted / (double) n;
        assertTrue(rate > 0.25 && rate < 0.40, "admission rate " + rate);
        assertEquals(Admissions.csv(50, 3), Admissions.csv(50, 3), "deterministic per seed");
    }

    @Test
    void admitTrainsOnSyntheticDataAndPredicts() throws IOException {
        TestCli.Outcome o = train("admit", null, "train.epochs=20");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().contains("SYNTHETIC") && o.out().contains("Bayes-optimal"), o.out());
        Path run = runOf("admit");
        JsonNode a = ConfigLoader.json().readTree(run.resolve("summary.json").toFile()).path("admit");
        assertEquals("synthetic", a.path("data").asText());
        assertTrue(a.path("network").path("roc_auc").asDouble() > 0.5, a.toString());
        assertTrue(a.has("logistic_regression") && a.has("bayes_optimal"));
        for (String f : List.of("admit.png", "loss.png", "admissions-synthetic.csv", "preprocessing.json")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        TestCli.Outcome hi = TestCli.run("admit", "predict", "--model", run.toString(), "gre=780", "gpa=3.95",
                "rank=1");
        TestCli.Outcome lo = TestCli.run("admit", "predict", "--model", run.toString(), "gre=300", "gpa=2.2",
                "rank=4");
        assertEquals(0, hi.exit(), hi.toString());
        double pHi = Double.parseDouble(hi.out().trim().split(":\\s*")[1]);
        double pLo = Double.parseDouble(lo.out().trim().split(":\\s*")[1]);
        assertTrue(hi.out().startsWith("probability of admit=1"), hi.out());
        assertTrue(pHi > pLo, pHi + " vs " + pLo);
        TestCli.Outcome bad = TestCli.run("admit", "predict", "--model", run.toString(), "gre=780", "gpa=3.95",
                "rank=7");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("rank") && bad.err().contains("unknown level"), bad.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a,b,y\\n1,2,3\\n4,5\\n                 | bad.csv:3: expected 3 columns, got 2",
        "a,b,y\\n1,2,3\\n4,five,6\\n            | bad.csv:3: column 'b': 'five' is not a number",
        "a,b,y\\n1,2,3\\n4,,6\\n                | bad.csv:3: column 'b' is empty",
        "a,b,y\\n1,2,3\\n4,NA,6\\n              | bad.csv:3: column 'b' is empty",
    })
    void badCsvsExit2NamingFileLineAndColumn(String content, String expected) throws IOException {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, content.replace("\\n", "\n"));
        TestCli.Outcome o = train("regress", csv, "data.target=y");
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains(expected.trim()), o.toString());
        assertFalse(Files.exists(tmp.resolve("models")), "nothing written for bad data");
    }

    @Test
    void unknownColumnsAndOneClassTargetsAreRejected() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "height,weight,label\n1,2,1\n3,4,1\n5,6,1\n7,8,1\n9,10,1\n11,12,1\n");
        TestCli.Outcome col = train("regress", csv, "data.target=lable");
        assertEquals(2, col.exit());
        assertTrue(col.err().contains("data.target") && col.err().contains("did you mean 'label'"), col.toString());
        TestCli.Outcome feat = train("regress", csv, "data.target=label", "data.features=[height,wieght]");
        assertEquals(2, feat.exit());
        assertTrue(feat.err().contains("data.features"), feat.toString());
        TestCli.Outcome one = train("regress", csv, "data.target=label", "model.kind=logistic");
        assertEquals(2, one.exit());
        assertTrue(one.err().contains("only one class"), one.toString());
        Files.writeString(csv, "height,weight,label\n1,2,1\n3,,0\n5,6,1\n7,8,0\n9,10,1\n11,12,0\n13,14,1\n");
        TestCli.Outcome drop = train("regress", csv, "data.target=label", "data.missing=drop", "train.epochs=5");
        assertEquals(0, drop.exit(), drop.toString());
    }
}
