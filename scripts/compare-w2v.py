#!/usr/bin/env python3
"""Agreement of word2vec text files (e.g. gensim vs dlp skipgram, each under two seeds): for every pair of files,
the Spearman correlation of cosine similarities over ~20,000 random pairs of the 3,000 most frequent words of the
first file, and the mean overlap of the 10 nearest neighbours of its 500 most frequent words.
Needs gensim (Debian: python3-gensim, run with /usr/bin/python3).   scripts/compare-w2v.py A.txt B.txt [C.txt ...]
"""
import sys, json, numpy as np
from gensim.models import KeyedVectors
from scipy.stats import spearmanr
files = sys.argv[1:]
kvs = [KeyedVectors.load_word2vec_format(f) for f in files]
ref = kvs[0]
common = [w for w in ref.index_to_key[:3000] if all(w in k.key_to_index for k in kvs)]
rng = np.random.default_rng(0)
pairs = [(common[i], common[j]) for i, j in rng.integers(0, len(common), size=(20000, 2)) if i != j]
sims = [np.array([k.similarity(a, b) for a, b in pairs]) for k in kvs]
probe = common[:500]
nn = [[set(w for w, _ in k.most_similar(p, topn=10)) for p in probe] for k in kvs]
out = {}
for i in range(len(kvs)):
    for j in range(i + 1, len(kvs)):
        out[f'{i}-{j}'] = {'spearman_cos': round(float(spearmanr(sims[i], sims[j]).correlation), 4),
                           'nn10_overlap': round(float(np.mean([len(a & b) / 10 for a, b in zip(nn[i], nn[j])])), 4)}
print(json.dumps({'files': files, 'pairs': len(pairs), 'compare': out}))
