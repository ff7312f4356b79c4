package dev.dlp.pipelines.seq2seq;

import dev.dlp.nd4j.HostArrays;
import dev.dlp.train.BatchSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.List;

/**
 * Pairs as teacher-forced batches, padded per batch to the longest sequence: encoder ids [b, 1, Ts], decoder
 * ids {@code <GO> target} [b, 1, Tt+1], one-hot labels {@code target <EOS>} [b, V, Tt+1], with masks
 * [b, Ts] and [b, Tt+1] (label mask = decoder mask).
 */
final class SeqSource implements BatchSource {
    private final List<int[]> sources;
    private final List<int[]> targets;
    private final int vocab;

    SeqSource(List<Pairs.Pair> pairs, TokenVocab v) {
        this.sources = pairs.stream().map(p -> v.encode(p.source())).toList();
        this.targets = pairs.stream().map(p -> v.encodeTarget(p.target())).toList();
        this.vocab = v.size();
    }

    @Override
    public int size() {
        return sources.size();
    }

    @Override
    public MultiDataSet batch(int[] order, int from, int to) {
        int b = to - from;
        int ts = 1;
        int tt = 1;
        for (int i = from; i < to; i++) {
            int e = order == null ? i : order[i];
            ts = Math.max(ts, sources.get(e).length);
            tt = Math.max(tt, targets.get(e).length + 1);
        }
        float[] enc = new float[b * ts];
        float[] encMask = new float[b * ts];
        float[] dec = new float[b * tt];
        float[] decMask = new float[b * tt];
        float[] labels = new float[b * vocab * tt];
        for (int i = 0; i < b; i++) {
            int e = order == null ? from + i : order[from + i];
            int[] s = sources.get(e);
            int[] t = targets.get(e);
            for (int j = 0; j < s.length; j++) {
                enc[i * ts + j] = s[j];
                encMask[i * ts + j] = 1;
            }
            for (int j = 0; j <= t.length; j++) {
                dec[i * tt + j] = j == 0 ? TokenVocab.GO : t[j - 1];
                decMask[i * tt + j] = 1;
                int label = j < t.length ? t[j] : TokenVocab.EOS;
                labels[(i * vocab + label) * tt + j] = 1;
            }
        }
        INDArray decMaskArr = HostArrays.floats(decMask, 0, b, tt);
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{HostArrays.floats(enc, 0, b, 1, ts), HostArrays.floats(dec, 0, b, 1, tt)},
                new INDArray[]{HostArrays.floats(labels, 0, b, vocab, tt)},
                new INDArray[]{HostArrays.floats(encMask, 0, b, ts), decMaskArr},
                new INDArray[]{decMaskArr});
    }
}
