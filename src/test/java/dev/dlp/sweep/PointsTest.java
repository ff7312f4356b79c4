package dev.dlp.sweep;

import dev.dlp.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointsTest {
    @Test
    void gridIsTheOrderedCartesianProduct() {
        List<Map<String, String>> p = Points.expand(List.of(Points.Grid.parse("a=1,2"), Points.Grid.parse("b=x,y,z")),
                List.of(), 0, 0);
        assertEquals(6, p.size());
        assertEquals(Map.of("a", "1", "b", "x"), p.get(0));
        assertEquals(Map.of("a", "1", "b", "y"), p.get(1));
        assertEquals(Map.of("a", "2", "b", "z"), p.get(5));
        assertEquals(p, Points.expand(List.of(Points.Grid.parse("a=1,2"), Points.Grid.parse("b=x,y,z")), List.of(),
                0, 0));
    }

    @Test
    void randomDrawsAreSeededAndInRange() {
        List<Points.Range> ranges = List.of(Points.Range.parse("lr=0.0001:0.1:log"), Points.Range.parse("n=8:64"),
                Points.Range.parse("rate=0.1:0.5"));
        List<Map<String, String>> a = Points.expand(List.of(Points.Grid.parse("k=1,2")), ranges, 5, 42);
        List<Map<String, String>> b = Points.expand(List.of(Points.Grid.parse("k=1,2")), ranges, 5, 42);
        List<Map<String, String>> c = Points.expand(List.of(Points.Grid.parse("k=1,2")), ranges, 5, 43);
        assertEquals(10, a.size());
        assertEquals(a, b, "same seed, same draws");
        assertNotEquals(a, c, "another seed, other draws");
        for (Map<String, String> p : a) {
            double lr = Double.parseDouble(p.get("lr"));
            assertTrue(lr >= 0.0001 && lr <= 0.1, p.toString());
            int n = Integer.parseInt(p.get("n"));
            assertTrue(n >= 8 && n <= 64, p.toString());
            double rate = Double.parseDouble(p.get("rate"));
            assertTrue(rate >= 0.1 && rate <= 0.5, p.toString());
        }
    }

    @Test
    void badSpecsAreBadInput() {
        assertThrows(ConfigException.class, () -> Points.Grid.parse("a"));
        assertThrows(ConfigException.class, () -> Points.Grid.parse("a=1,,2"));
        assertThrows(ConfigException.class, () -> Points.Range.parse("lr=0.1:0.01"));
        assertThrows(ConfigException.class, () -> Points.Range.parse("lr=0:1:log"));
        assertThrows(ConfigException.class, () -> Points.Range.parse("lr=a:b"));
        assertThrows(ConfigException.class, () -> Points.expand(List.of(), List.of(Points.Range.parse("x=1:2")),
                0, 0), "--range without --random");
        assertThrows(ConfigException.class, () -> Points.expand(List.of(), List.of(), 3, 0), "--random without --range");
    }
}
