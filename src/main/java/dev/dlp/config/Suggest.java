package dev.dlp.config;

import java.util.Collection;

/** "Did you mean" suggestions by edit distance. */
public final class Suggest {
    private Suggest() {
    }

    /** The nearest candidate within a small edit distance, or null. */
    public static String nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(), c.toLowerCase());
            if (d < bestDist) {
                bestDist = d;
                best = c;
            }
        }
        int limit = Math.max(2, word.length() / 3);
        return bestDist <= limit ? best : null;
    }

    /** " (did you mean 'x'?)" or "". */
    public static String hint(String word, Collection<String> candidates) {
        String n = nearest(word, candidates);
        return n == null ? "" : " (did you mean '" + n + "'?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
