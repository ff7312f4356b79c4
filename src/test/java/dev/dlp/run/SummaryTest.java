package dev.dlp.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SummaryTest {
    @TempDir
    Path tmp;

    /** JSON has no NaN: a main metric without a finite value keeps its name and goal, and summary.json stays JSON. */
    @Test
    void aNonFiniteMainMetricLeavesItsValueOut() throws Exception {
        Path file = tmp.resolve("summary.json");
        Summary.create(file).mainMetric("sampled_loss", Double.NaN, false).save();
        JsonNode m = new ObjectMapper().readTree(file.toFile()).get("main_metric");   // strict parser: no NaN token
        assertEquals("sampled_loss", m.get("name").asText());
        assertEquals("min", m.get("goal").asText());
        assertFalse(m.has("value"));
        Summary.read(file).mainMetric("sampled_loss", 2.5, false).save();
        assertEquals(2.5, new ObjectMapper().readTree(file.toFile()).get("main_metric").get("value").asDouble());
    }
}
