package dev.dlp.ui;

import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When DL4J's listener reports: every N iterations, or spaced so that reports cost about 3 % of the time. */
class RunStatsTest {
    private static RunStats.Frequency frequency(int fixed) {
        return new RunStats.Frequency(new DefaultStatsUpdateConfiguration.Builder().build(), fixed);
    }

    @Test
    void fixedFrequencyIsDl4jsOwn() {
        RunStats.Frequency f = frequency(7);
        assertEquals(7, f.reportingFrequency());
        assertTrue(f.reports(0) && f.reports(14) && !f.reports(15));
        f.after(14, true, 1e9, 1);   // costs do not move a fixed frequency
        assertEquals(7, f.reportingFrequency());
    }

    @Test
    void autoSpacesReportsToTheBudget() {
        RunStats.Frequency f = frequency(0);
        double report = 15e6;   // 15 ms a report
        double iteration = 4e6; // 4 ms an iteration: 15 / (0.03 x 4) = 125 iterations between reports
        List<Long> reported = new ArrayList<>();
        for (long count = 0; count < 1000; count++) {
            boolean r = f.reports(count);
            // DL4J's listener reports at its count 0, else when the frequency it reads divides its count
            boolean dl4j = count == 0 || f.reportingFrequency() <= 1 || count % f.reportingFrequency() == 0;
            assertEquals(r, dl4j, "the listener and the frequency agree at " + count);
            if (r) {
                reported.add(count);
            }
            f.after(count, r, count == 0 ? Double.NaN : report, count == 0 ? 0 : iteration);
        }
        assertEquals(125, f.every);
        for (int i = 1; i < reported.size(); i++) {
            assertEquals(125, reported.get(i) - reported.get(i - 1), "evenly spaced: " + reported);
        }
        assertEquals(8, reported.size(), reported.toString());   // 0, then every 125
    }
}
