package dev.dlp.pipelines.skipgram;

import dev.dlp.data.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A corpus read once, streamed token by token (a large file is never held as one String): every token is
 * counted and stored as an id of the full dictionary; {@link #encode} then keeps the words of the vocabulary.
 * Two readers: the tagged Brown files ({@code ca01..cr09}, {@code word/tag}) and plain text (one sentence per
 * line, tokens separated by white space).
 */
public final class Corpus {
    /** Brown's punctuation tags, after removing the {@code fw-} prefix and {@code -hl/-tl/-nc} suffixes. */
    static final Set<String> PUNCTUATION_TAGS = Set.of(".", ",", "``", "''", "--", "(", ")", ":", "'");
    private static final Pattern BROWN_FILE = Pattern.compile("c[a-r]\\d\\d");

    /** Receives tokens; {@code endSentence} after each sentence (may be called for empty ones). */
    interface Sink {
        void token(String word);

        void endSentence();
    }

    private Corpus() {
    }

    /** The Brown files of a directory, sorted; bad input when there are none. */
    static List<Path> brownFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": no Brown corpus directory (run scripts/fetch-data.sh brown, or give "
                    + "--data FILE)");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> BROWN_FILE.matcher(p.getFileName().toString()).matches()).sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new DataException(dir + ": no Brown files ca01..cr09 in it (run scripts/fetch-data.sh brown)");
            }
            return files;
        } catch (IOException e) {
            throw new DataException(dir + ": " + e.getMessage());
        }
    }

    /** Reads tagged Brown files: strips tags, drops punctuation and tokens without a letter or digit, lowercases. */
    static void readBrown(List<Path> files, Sink sink) {
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    brownLine(line, sink);
                }
            } catch (IOException e) {
                throw new DataException(f + ": " + e.getMessage());
            }
        }
    }

    /** One line of a tagged Brown file: a sentence (blank lines give an empty one). */
    static void brownLine(String line, Sink sink) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                String word = brownWord(line.substring(start, i));
                if (word != null) {
                    sink.token(word);
                }
            }
        }
        sink.endSentence();
    }

    /** The lowercased word of a {@code word/tag} token, or null for punctuation and tokens without letters/digits. */
    static String brownWord(String token) {
        int slash = token.lastIndexOf('/');
        String word = slash < 0 ? "" : token.substring(0, slash);
        String tag = slash < 0 ? token : token.substring(slash + 1);
        if (tag.startsWith("fw-")) {
            tag = tag.substring(3);
        }
        while (tag.endsWith("-hl") || tag.endsWith("-tl") || tag.endsWith("-nc")) {
            tag = tag.substring(0, tag.length() - 3);
        }
        if (PUNCTUATION_TAGS.contains(tag) || !hasLetterOrDigit(word)) {
            return null;
        }
        return word.toLowerCase(Locale.ROOT);
    }

    private static boolean hasLetterOrDigit(String w) {
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    /**
     * Streams plain text: white space separates tokens, a newline ends a sentence, and a sentence longer than
     * {@code maxLength} tokens is cut into pieces (text8 is one line of 17M tokens).
     */
    static void readPlain(Reader in, boolean lowercase, int maxLength, Sink sink) throws IOException {
        char[] buf = new char[1 << 16];
        StringBuilder tok = new StringBuilder();
        int inSentence = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (Character.isWhitespace(c)) {
                    if (tok.length() > 0) {
                        sink.token(lowercase ? tok.toString().toLowerCase(Locale.ROOT) : tok.toString());
                        tok.setLength(0);
                        if (++inSentence >= maxLength) {
                            sink.endSentence();
                            inSentence = 0;
                        }
                    }
                    if (c == '\n') {
                        sink.endSentence();
                        inSentence = 0;
                    }
                } else {
                    tok.append(c);
                }
            }
        }
        if (tok.length() > 0) {
            sink.token(lowercase ? tok.toString().toLowerCase(Locale.ROOT) : tok.toString());
        }
        sink.endSentence();
    }

    /** Every token as an id of the full dictionary (first-seen order), with counts and sentence boundaries. */
    static final class Counted implements Sink {
        final Map<String, Integer> ids = new HashMap<>();
        final List<String> words = new ArrayList<>();
        int[] counts = new int[1024];
        int[] tokens = new int[1 << 16];
        int tokenCount;
        int[] sentenceEnds = new int[1024];
        int sentenceCount;
        /** False for the vocabulary pass of a streamed corpus: counts only, no token kept. */
        private final boolean keepTokens;
        private int inSentence;
        /** Tokens read (a streamed corpus may hold more than an int counts). */
        private long total;

        Counted() {
            this(true);
        }

        Counted(boolean keepTokens) {
            this.keepTokens = keepTokens;
        }

        @Override
        public void token(String word) {
            Integer id = ids.get(word);
            if (id == null) {
                id = words.size();
                ids.put(word, id);
                words.add(word);
                if (id == counts.length) {
                    counts = Arrays.copyOf(counts, counts.length * 2);
                }
            }
            counts[id]++;
            total++;
            if (!keepTokens) {
                inSentence++;
                return;
            }
            if (tokenCount == tokens.length) {
                tokens = Arrays.copyOf(tokens, tokens.length + (tokens.length >> 1));
            }
            tokens[tokenCount++] = id;
        }

        /** Tokens read, out-of-vocabulary ones included. */
        long tokens() {
            return total;
        }

        @Override
        public void endSentence() {
            if (!keepTokens) {
                sentenceCount += inSentence > 0 ? 1 : 0;
                inSentence = 0;
                return;
            }
            int start = sentenceCount == 0 ? 0 : sentenceEnds[sentenceCount - 1];
            if (tokenCount == start) {
                return;
            }
            if (sentenceCount == sentenceEnds.length) {
                sentenceEnds = Arrays.copyOf(sentenceEnds, sentenceEnds.length * 2);
            }
            sentenceEnds[sentenceCount++] = tokenCount;
        }
    }

    /**
     * The corpus in vocabulary ids: {@code tokens[sentenceStarts[s] .. sentenceStarts[s+1])} is sentence s.
     *
     * @param rawTokens tokens read, out-of-vocabulary ones included
     */
    record Encoded(int[] tokens, int[] sentenceStarts, long rawTokens, int rawSentences) {
        int sentences() {
            return sentenceStarts.length - 1;
        }
    }

    /** Sentences of vocabulary ids: {@code tokens[starts[s] .. starts[s+1])} is sentence s (a streamed corpus's unit). */
    record Block(int[] tokens, int[] starts) {
        int sentences() {
            return starts.length - 1;
        }
    }

    /**
     * Reads a plain-text corpus as {@link Block}s of at least {@code blockTokens} vocabulary tokens (whole sentences;
     * out-of-vocabulary tokens dropped, as {@link #encode} does), handing each to {@code out} as it fills: the corpus is
     * never held in memory. Returns early when {@code stop} turns true.
     */
    static void streamBlocks(Reader in, boolean lowercase, int maxLength, WordVocab vocab, int blockTokens,
                             java.util.function.Consumer<Block> out, java.util.function.BooleanSupplier stop)
            throws IOException {
        BlockSink sink = new BlockSink(vocab, blockTokens, maxLength, out, stop);
        try {
            readPlain(in, lowercase, maxLength, sink);   // (ends with endSentence)
            sink.flush();
        } catch (StopReading e) {
            // stop requested
        }
    }

    /** Encodes sentences into blocks and hands each full block on. */
    private static final class BlockSink implements Sink {
        private final WordVocab vocab;
        private final int blockTokens;
        private final java.util.function.Consumer<Block> out;
        private final java.util.function.BooleanSupplier stop;
        private int[] tokens;
        private int[] starts = new int[1024];
        private int n;
        private int sentences;
        private int sentenceStart;

        BlockSink(WordVocab vocab, int blockTokens, int maxLength, java.util.function.Consumer<Block> out,
                  java.util.function.BooleanSupplier stop) {
            this.vocab = vocab;
            this.blockTokens = blockTokens;
            this.out = out;
            this.stop = stop;
            this.tokens = new int[blockTokens + maxLength + 1];
        }

        @Override
        public void token(String word) {
            int id = vocab.id(word);
            if (id >= 0) {
                if (n == tokens.length) {
                    tokens = Arrays.copyOf(tokens, tokens.length * 2);
                }
                tokens[n++] = id;
            }
        }

        @Override
        public void endSentence() {
            if (n == sentenceStart) {
                return;
            }
            if (sentences + 1 >= starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[sentences++] = sentenceStart;
            sentenceStart = n;
            if (n >= blockTokens) {
                flush();
            }
        }

        void flush() {
            if (sentences == 0) {
                return;
            }
            int[] st = Arrays.copyOf(starts, sentences + 1);
            st[sentences] = sentenceStart;
            out.accept(new Block(Arrays.copyOf(tokens, sentenceStart), st));
            n = 0;
            sentences = 0;
            sentenceStart = 0;
            if (stop.getAsBoolean()) {
                throw new StopReading();
            }
        }
    }

    /** Ends {@link #streamBlocks} early. */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }

    /** Keeps the tokens in the vocabulary, as vocabulary ids; sentences left empty are dropped. */
    static Encoded encode(Counted c, WordVocab vocab) {
        int[] map = new int[c.words.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = vocab.id(c.words.get(i));
        }
        int[] out = new int[c.tokenCount];
        int[] starts = new int[c.sentenceCount + 1];
        int n = 0;
        int s = 0;
        int from = 0;
        for (int k = 0; k < c.sentenceCount; k++) {
            int begin = n;
            for (int t = from; t < c.sentenceEnds[k]; t++) {
                int id = map[c.tokens[t]];
                if (id >= 0) {
                    out[n++] = id;
                }
            }
            from = c.sentenceEnds[k];
            if (n > begin) {
                starts[s++] = begin;
            }
        }
        starts[s] = n;
        return new Encoded(Arrays.copyOf(out, n), Arrays.copyOf(starts, s + 1), c.tokenCount, c.sentenceCount);
    }
}
