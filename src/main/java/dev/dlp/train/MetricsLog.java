package dev.dlp.train;

import dev.dlp.config.ConfigLoader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row per epoch in {@code metrics.csv} and {@code metrics.jsonl}, appended and flushed as each epoch ends. */
public final class MetricsLog {
    private final Path csv;
    private final Path jsonl;

    public MetricsLog(Path runDir) {
        this.csv = runDir.resolve("metrics.csv");
        this.jsonl = runDir.resolve("metrics.jsonl");
    }

    public void append(Map<String, Object> row) {
        try {
            boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
            try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
                 CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
                if (fresh) {
                    p.printRecord(row.keySet());
                }
                p.printRecord(row.values());
            }
            Files.writeString(jsonl, ConfigLoader.json().writer()
                            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append metrics: " + e.getMessage(), e);
        }
    }

    /** All rows so far (as strings), oldest first. */
    public List<Map<String, String>> rows() {
        if (!Files.exists(csv)) {
            return List.of();
        }
        try (CSVParser p = CSVParser.parse(csv, StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            List<Map<String, String>> out = new ArrayList<>();
            for (CSVRecord r : p) {
                out.add(new LinkedHashMap<>(r.toMap()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
        }
    }

    /** The newest row with its values typed as written (numbers as numbers); empty when there is none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> lastRow() {
        try {
            if (!Files.exists(jsonl)) {
                return new LinkedHashMap<>();
            }
            List<String> lines = Files.readAllLines(jsonl).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? new LinkedHashMap<>()
                    : ConfigLoader.json().readValue(lines.get(lines.size() - 1), LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
        }
    }

    /** Drops rows of epochs after {@code lastEpoch} (resume from an older checkpoint). */
    public void truncateAfter(int lastEpoch) {
        try {
            if (Files.exists(csv)) {
                List<String> lines = Files.readAllLines(csv);
                List<String> keep = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if (i == 0 || epochOf(lines.get(i)) <= lastEpoch) {
                        keep.add(lines.get(i));
                    }
                }
                Files.write(csv, keep);
            }
            if (Files.exists(jsonl)) {
                List<String> keep = new ArrayList<>();
                for (String l : Files.readAllLines(jsonl)) {
                    if (!l.isBlank() && ConfigLoader.json().readTree(l).path("epoch").asInt() <= lastEpoch) {
                        keep.add(l);
                    }
                }
                Files.write(jsonl, keep);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int epochOf(String csvLine) {
        int comma = csvLine.indexOf(',');
        try {
            return Integer.parseInt(comma < 0 ? csvLine : csvLine.substring(0, comma));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
