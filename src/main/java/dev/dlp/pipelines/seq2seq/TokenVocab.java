package dev.dlp.pipelines.seq2seq;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Tokens to ids, one vocabulary for both sides. Ids 0-3 are the special tokens {@code <PAD> <UNK> <GO> <EOS>};
 * the tokens follow in sorted order. Sources are read character by character; targets too, or as
 * whitespace-separated words ({@code wordTargets}: ARPAbet phonemes for grapheme-to-phoneme).
 */
public final class TokenVocab {
    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final int GO = 2;
    public static final int EOS = 3;
    static final List<String> SPECIAL = List.of("<PAD>", "<UNK>", "<GO>", "<EOS>");

    private final List<String> tokens;
    private final boolean wordTargets;
    private final boolean reverseSource;
    private final Map<String, Integer> index = new HashMap<>();   // token -> id, built once (encode runs per pair)

    /**
     * @param tokens        the tokens, in id order from 4
     * @param wordTargets   targets are whitespace-separated tokens (decoded joined by spaces), not characters
     * @param reverseSource sources are fed to the encoder back to front (the first characters are then the last the
     *                      encoder reads before the decoder starts)
     */
    public TokenVocab(List<String> tokens, boolean wordTargets, boolean reverseSource) {
        this.tokens = List.copyOf(tokens);
        this.wordTargets = wordTargets;
        this.reverseSource = reverseSource;
        for (int i = 0; i < this.tokens.size(); i++) {
            index.put(this.tokens.get(i), i + SPECIAL.size());
        }
    }

    public List<String> tokens() {
        return tokens;
    }

    public boolean wordTargets() {
        return wordTargets;
    }

    public boolean reverseSource() {
        return reverseSource;
    }

    /** Character vocabulary of every character in {@code texts} (sources and targets read as characters). */
    public static TokenVocab of(Collection<String> texts) {
        return of(texts, List.of(), false, false);
    }

    /** The vocabulary of {@code sources}' characters and {@code targets}' tokens. */
    public static TokenVocab of(Collection<String> sources, Collection<String> targets, boolean wordTargets,
                                boolean reverseSource) {
        TreeSet<String> set = new TreeSet<>();
        for (String s : sources) {
            s.codePoints().forEach(c -> set.add(Character.toString(c)));
        }
        for (String t : targets) {
            set.addAll(split(t, wordTargets));
        }
        return new TokenVocab(new ArrayList<>(set), wordTargets, reverseSource);
    }

    /** The tokens of a target: its characters, or its whitespace-separated words. */
    static List<String> split(String text, boolean words) {
        if (words) {
            String t = text.strip();
            return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
        }
        return text.codePoints().mapToObj(Character::toString).toList();
    }

    /** The tokens of a target. */
    List<String> targetTokens(String text) {
        return split(text, wordTargets);
    }

    public int size() {
        return SPECIAL.size() + tokens.size();
    }

    private int[] ids(List<String> toks) {
        int[] out = new int[toks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = index.getOrDefault(toks.get(i), UNK);
        }
        return out;
    }

    /** Encoder token ids of a source (characters, reversed when asked); unknown characters become {@code <UNK>}. */
    public int[] encode(String source) {
        List<String> chars = new ArrayList<>(split(source, false));
        if (reverseSource) {
            java.util.Collections.reverse(chars);
        }
        return ids(chars);
    }

    /** Decoder token ids of a target; unknown tokens become {@code <UNK>}. */
    public int[] encodeTarget(String target) {
        return ids(targetTokens(target));
    }

    /** Characters of {@code source} that are not in the vocabulary. */
    public List<String> unknown(String source) {
        List<String> out = new ArrayList<>();
        for (String c : split(source, false)) {
            if (!index.containsKey(c) && !out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Target tokens of ids up to the first {@code <EOS>}; {@code <UNK>} shows as '?', other specials are skipped. */
    public List<String> decodeTokens(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id == UNK) {
                out.add("?");
            } else if (id >= SPECIAL.size() && id < size()) {
                out.add(tokens.get(id - SPECIAL.size()));
            }
        }
        return out;
    }

    /** Text of target ids up to the first {@code <EOS>}: tokens joined by spaces (words) or nothing (characters). */
    public String decode(int[] ids) {
        return String.join(wordTargets ? " " : "", decodeTokens(ids));
    }
}
