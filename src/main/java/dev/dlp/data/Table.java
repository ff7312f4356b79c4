package dev.dlp.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A CSV file read as text cells, with the line number of every row for error messages. */
public record Table(String name, List<String> columns, List<String[]> rows, List<Integer> lines) {

    /** Reads {@code file}; its first row is the header unless {@code columns} names the columns. */
    public static Table read(Path file, List<String> columns) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), r, columns);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DataException(file + ": not UTF-8 text (a binary file?), so not a CSV file", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new DataException(file + ": not valid CSV: " + String.valueOf(e.getMessage())
                    .replaceFirst("^IOException reading next record: (java\\.io\\.IOException: )?", ""), e);
        }
    }

    /** Parses CSV text (tests, generated data). */
    public static Table parse(String name, String text, List<String> columns) {
        try {
            return parse(name, new StringReader(text), columns);
        } catch (IOException e) {
            throw new DataException(name + ": " + e.getMessage(), e);
        }
    }

    private static Table parse(String name, Reader reader, List<String> columns) throws IOException {
        List<String> header = columns == null || columns.isEmpty() ? null : List.copyOf(columns);
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(reader, CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).build())) {
            long line = 1;
            for (CSVRecord rec : p) {
                long thisLine = line;
                line = p.getCurrentLineNumber() + 1;
                String[] cells = new String[rec.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = rec.get(i);
                    if (cells[i].indexOf('\0') >= 0) {
                        throw new DataException(name + ":" + thisLine + ": a NUL byte: a binary file, not CSV text");
                    }
                }
                if (header == null) {
                    header = List.of(cells);
                    for (String h : header) {
                        if (h.isBlank()) {
                            throw new DataException(name + ":" + thisLine + ": empty column name in the header");
                        }
                    }
                    continue;
                }
                if (cells.length != header.size()) {
                    throw new DataException(name + ":" + thisLine + ": expected " + header.size() + " columns, got "
                            + cells.length);
                }
                rows.add(cells);
                lines.add((int) thisLine);
            }
        }
        if (header == null || rows.isEmpty()) {
            throw new DataException(name + ": no data rows");
        }
        return new Table(name, header, rows, lines);
    }

    public int column(String col) {
        return columns.indexOf(col);
    }
}
