package dev.dlp.cli;

import dev.dlp.TestCli;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @Test
    void helpListsEverySubcommand() {
        TestCli.Outcome o = TestCli.run("--help");
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("lenet") && o.out().contains("configs"), o.out());
        assertTrue(o.out().contains("Exit codes"), o.out());
    }

    @Test
    void aLibraryMessageIsCutToItsFirstLine() {
        String spark = "Job aborted: Task serialization failed\n\tat org.apache.spark.SparkContext.assertNotStopped";
        assertEquals("Job aborted: Task serialization failed", Cli.firstLine(spark));
        String longLine = "x".repeat(5000);
        String cut = Cli.firstLine(longLine);
        assertTrue(cut.startsWith("x".repeat(Cli.MAX_MESSAGE)) && cut.endsWith("(run with -v for all of it)"), cut);
        assertTrue(cut.length() < Cli.MAX_MESSAGE + 40, "one short line: " + cut.length());
    }

    @Test
    void versionNamesDl4j() {
        TestCli.Outcome o = TestCli.run("--version");
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("1.0.0-M2.1"), o.out());
    }

    @Test
    void usageErrorsExit2() {
        assertEquals(2, TestCli.run().exit());
        TestCli.Outcome o = TestCli.run("lenett");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("lenet"), "suggests the nearest subcommand: " + o.err());
        assertEquals(2, TestCli.run("lenet", "--seed", "abc").exit());
        assertEquals(2, TestCli.run("lenet", "predict", "--model", "x").exit(), "missing IMAGE");
    }

    @Test
    void configsListsAndPrintsShippedConfigs() {
        TestCli.Outcome list = TestCli.run("configs");
        assertEquals(0, list.exit());
        assertTrue(list.out().contains("lenet5") && list.out().contains("mnist-mlp"), list.out());
        TestCli.Outcome one = TestCli.run("configs", "mnist-softmax");
        assertEquals(0, one.exit());
        assertTrue(one.out().contains("type: output"), one.out());
        assertEquals(2, TestCli.run("configs", "nope").exit());
    }
}
