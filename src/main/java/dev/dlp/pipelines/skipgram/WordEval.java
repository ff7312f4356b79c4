package dev.dlp.pipelines.skipgram;

import dev.dlp.data.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Word-vector benchmarks: word-pair similarity (Spearman rho between human scores and cosines, e.g. WordSim-353)
 * and analogies (3CosAdd, e.g. Google's questions-words.txt). Words are lowercased, as gensim does by default.
 */
public final class WordEval {
    private WordEval() {
    }

    /** A scored word pair. */
    record Pair(String a, String b, double score) {
    }

    /** An analogy question a : b :: c : d, in a section. */
    record Question(String section, String a, String b, String c, String d) {
    }

    /** Reads {@code word1 TAB word2 TAB score} lines; blank lines and {@code #} comments are skipped. */
    static List<Pair> readPairs(Path file) {
        List<Pair> out = new ArrayList<>();
        forEachLine(file, (line, no) -> {
            String[] f = line.split("\t");
            if (f.length != 3) {
                throw new DataException(file + ":" + no + ": expected word1<TAB>word2<TAB>score, got '" + line + "'");
            }
            try {
                out.add(new Pair(lower(f[0]), lower(f[1]), Double.parseDouble(f[2].strip())));
            } catch (NumberFormatException e) {
                throw new DataException(file + ":" + no + ": score '" + f[2] + "' is not a number");
            }
        });
        if (out.isEmpty()) {
            throw new DataException(file + ": no word pairs in it");
        }
        return out;
    }

    /** Reads {@code : section} lines and {@code a b c d} rows; blank lines and {@code #} comments are skipped. */
    static List<Question> readQuestions(Path file) {
        List<Question> out = new ArrayList<>();
        String[] section = {"(none)"};
        forEachLine(file, (line, no) -> {
            if (line.startsWith(":")) {
                section[0] = line.substring(1).strip();
                return;
            }
            String[] f = line.strip().split("\\s+");
            if (f.length != 4) {
                throw new DataException(file + ":" + no + ": expected four words 'a b c d', got '" + line + "'");
            }
            out.add(new Question(section[0], lower(f[0]), lower(f[1]), lower(f[2]), lower(f[3])));
        });
        if (out.isEmpty()) {
            throw new DataException(file + ": no analogy questions in it");
        }
        return out;
    }

    private interface LineHandler {
        void line(String line, int number);
    }

    private static void forEachLine(Path file, LineHandler h) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int no = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                no++;
                if (!line.isBlank() && !line.startsWith("#")) {
                    h.line(line, no);
                }
            }
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
    }

    private static String lower(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }

    /** Spearman's rho, its pair count and the share of pairs skipped for out-of-vocabulary words. */
    record Similarity(double spearman, int pairs, int oov, int total) {
        double oovRate() {
            return total == 0 ? 0 : oov / (double) total;
        }

        String describe() {
            return String.format(Locale.ROOT, "spearman rho %.4f over %d pairs; OOV %d of %d (%.1f%%)", spearman,
                    pairs, oov, total, 100 * oovRate());
        }
    }

    static Similarity similarity(Vectors v, List<Pair> pairs) {
        List<double[]> xy = new ArrayList<>();
        int oov = 0;
        for (Pair p : pairs) {
            int a = v.id(p.a());
            int b = v.id(p.b());
            if (a < 0 || b < 0) {
                oov++;
            } else {
                xy.add(new double[]{p.score(), v.cosine(a, b)});
            }
        }
        double[] x = xy.stream().mapToDouble(r -> r[0]).toArray();
        double[] y = xy.stream().mapToDouble(r -> r[1]).toArray();
        return new Similarity(xy.size() < 2 ? Double.NaN : spearman(x, y), xy.size(), oov, pairs.size());
    }

    /** Spearman's rank correlation (ties get their average rank). */
    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Correct, asked and skipped (OOV) questions of one section, or of all. */
    record Score(int correct, int asked, int skipped) {
        Score plus(Score o) {
            return new Score(correct + o.correct, asked + o.asked, skipped + o.skipped);
        }

        String describe() {
            return String.format(Locale.ROOT, "%5.1f%%  %d/%d correct, %d skipped (OOV)",
                    asked == 0 ? 0.0 : 100.0 * correct / asked, correct, asked, skipped);
        }
    }

    /**
     * 3CosAdd: the answer to a : b :: c : ? is the word among the {@code restrict} most frequent, a, b and c excluded,
     * whose unit vector is nearest to b - a + c. Questions with a word outside those are skipped. Returns the
     * score per section, in file order, then {@code "overall"}.
     */
    static Map<String, Score> analogies(Vectors v, List<Question> questions, int restrict) {
        Map<String, Score> out = new LinkedHashMap<>();
        Score all = new Score(0, 0, 0);
        for (Question q : questions) {
            int a = v.id(q.a());
            int b = v.id(q.b());
            int c = v.id(q.c());
            int d = v.id(q.d());
            Score s;
            if (a < 0 || b < 0 || c < 0 || d < 0 || a >= restrict || b >= restrict || c >= restrict
                    || d >= restrict) {
                s = new Score(0, 0, 1);
            } else {
                List<Vectors.Neighbour> best = v.nearest(v.analogy(a, b, c), 1, restrict, a, b, c);
                s = new Score(!best.isEmpty() && best.get(0).word().equals(q.d()) ? 1 : 0, 1, 0);
            }
            out.merge(q.section(), s, Score::plus);
            all = all.plus(s);
        }
        out.put("overall", all);
        return out;
    }
}
