package dev.dlp.sweep;

import dev.dlp.config.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The points of a sweep: the cartesian product of {@code --grid key=v1,v2,...} options, each combined with
 * {@code N} seeded random draws of the {@code --range key=lo:hi[:log]} options. A point is an ordered map of
 * config key to value text, passed to the run as {@code --set key=value}.
 */
public final class Points {
    private Points() {
    }

    /** {@code key=v1,v2,...}. */
    public record Grid(String key, List<String> values) {
        public static Grid parse(String s) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new ConfigException("--grid", "expected key=v1,v2,..., got '" + s + "'");
            }
            List<String> values = new ArrayList<>();
            for (String v : s.substring(eq + 1).split(",")) {
                if (v.isBlank()) {
                    throw new ConfigException("--grid", "empty value in '" + s + "'");
                }
                values.add(v.trim());
            }
            return new Grid(s.substring(0, eq).trim(), values);
        }
    }

    /** {@code key=lo:hi[:log]}; integer bounds (and no log) draw integers. */
    public record Range(String key, double lo, double hi, boolean log, boolean integer) {
        public static Range parse(String s) {
            int eq = s.indexOf('=');
            String[] parts = eq <= 0 ? new String[0] : s.substring(eq + 1).split(":");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals("log"))) {
                throw new ConfigException("--range", "expected key=lo:hi or key=lo:hi:log, got '" + s + "'");
            }
            double lo;
            double hi;
            try {
                lo = Double.parseDouble(parts[0]);
                hi = Double.parseDouble(parts[1]);
            } catch (NumberFormatException e) {
                throw new ConfigException("--range", "bounds must be numbers, got '" + s + "'");
            }
            boolean log = parts.length == 3;
            if (!(hi > lo) || (log && lo <= 0)) {
                throw new ConfigException("--range", "need lo < hi (and lo > 0 for log), got '" + s + "'");
            }
            boolean integer = !log && isInt(parts[0]) && isInt(parts[1]);
            return new Range(s.substring(0, eq).trim(), lo, hi, log, integer);
        }

        private static boolean isInt(String x) {
            return x.trim().matches("-?\\d+");
        }

        String draw(SplittableRandom r) {
            double u = r.nextDouble();
            if (integer) {
                return Long.toString((long) Math.floor(lo + u * (hi - lo + 1)));
            }
            double v = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
            return String.format(Locale.ROOT, "%.6g", v);
        }
    }

    /** Expands grids and random draws into points, in a deterministic order. */
    public static List<Map<String, String>> expand(List<Grid> grids, List<Range> ranges, int draws, long seed) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Grid g : grids) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String v : g.values()) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.put(g.key(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        if (ranges.isEmpty()) {
            if (draws > 0) {
                throw new ConfigException("--random", "needs at least one --range key=lo:hi");
            }
            return points;
        }
        if (draws < 1) {
            throw new ConfigException("--range", "needs --random N (the number of draws)");
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> p : points) {
            for (int i = 0; i < draws; i++) {
                Map<String, String> q = new LinkedHashMap<>(p);
                for (Range range : ranges) {
                    q.put(range.key(), range.draw(r));
                }
                out.add(q);
            }
        }
        return out;
    }
}
