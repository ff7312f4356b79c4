package dev.dlp.pipelines.seq2seq;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Characters to token ids. Ids 0-3 are the special tokens {@code <PAD> <UNK> <GO> <EOS>}; characters follow in
 * sorted order.
 *
 * @param chars the characters, in id order from 4
 */
public record TokenVocab(List<Character> chars) {
    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final int GO = 2;
    public static final int EOS = 3;
    static final List<String> SPECIAL = List.of("<PAD>", "<UNK>", "<GO>", "<EOS>");

    /** The vocabulary of every character in {@code texts}. */
    public static TokenVocab of(Collection<String> texts) {
        TreeSet<Character> set = new TreeSet<>();
        for (String t : texts) {
            for (char c : t.toCharArray()) {
                set.add(c);
            }
        }
        return new TokenVocab(List.copyOf(set));
    }

    public int size() {
        return SPECIAL.size() + chars.size();
    }

    private Map<Character, Integer> index() {
        Map<Character, Integer> m = new HashMap<>();
        for (int i = 0; i < chars.size(); i++) {
            m.put(chars.get(i), i + SPECIAL.size());
        }
        return m;
    }

    /** Token ids of {@code text}; characters outside the vocabulary become {@code <UNK>}. */
    public int[] encode(String text) {
        Map<Character, Integer> idx = index();
        int[] out = new int[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx.getOrDefault(text.charAt(i), UNK);
        }
        return out;
    }

    /** Characters of {@code text} that are not in the vocabulary. */
    public List<Character> unknown(String text) {
        Map<Character, Integer> idx = index();
        List<Character> out = new ArrayList<>();
        for (char c : text.toCharArray()) {
            if (!idx.containsKey(c) && !out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Text of token ids up to the first {@code <EOS>}; {@code <UNK>} shows as '?', other specials are skipped. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id == UNK) {
                sb.append('?');
            } else if (id >= SPECIAL.size() && id < size()) {
                sb.append(chars.get(id - SPECIAL.size()));
            }
        }
        return sb.toString();
    }
}
