#!/usr/bin/env python3
"""A large synthetic plain-text corpus for trying `dlp skipgram --data` on a file bigger than memory.

Words w0..w{V-1} drawn from a Zipf-like law (frequency ~ 1/(rank+2.7)^1.05, as natural text roughly follows), in
sentences of 5-40 tokens, one per line; each sentence is drawn around one of 50 topics (a topic favours its own
slice of the vocabulary), so that the vectors have something to learn. Seeded; about 6.5 bytes per token.

    scripts/gen-corpus.py --tokens 100000000 --out /tmp/corpus-100m.txt [--vocab 100000] [--seed 1]
"""
import argparse
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tokens', type=int, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--vocab', type=int, default=100_000)
    ap.add_argument('--topics', type=int, default=50)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    p = 1.0 / (np.arange(a.vocab) + 2.7) ** 1.05
    p /= p.sum()
    cdf = np.cumsum(p)
    spaced = np.array([f'w{i} '.encode() for i in range(a.vocab)], dtype=object)
    ended = np.array([f'w{i}\n'.encode() for i in range(a.vocab)], dtype=object)
    written = 0
    with open(a.out, 'wb') as f:
        while written < a.tokens:
            n = min(1_000_000, a.tokens - written)
            ids = np.searchsorted(cdf, rng.random(n))
            ids = np.minimum(ids, a.vocab - 1)
            # topics: a quarter of the tokens come from the sentence's topic slice of the vocabulary
            lengths = rng.integers(5, 41, size=n // 5 + 1)
            ends = np.cumsum(lengths)
            ends = ends[ends < n]
            sentence = np.searchsorted(ends, np.arange(n), side='right')
            topic = rng.integers(0, a.topics, size=len(ends) + 1)[sentence]
            on_topic = rng.random(n) < 0.25
            span = a.vocab // a.topics
            ids = np.where(on_topic, topic * span + (ids % span), ids)
            end_mask = np.zeros(n, dtype=bool)
            end_mask[ends - 1] = True
            end_mask[-1] = True
            f.write(b''.join(np.where(end_mask, ended[ids], spaced[ids]).tolist()))
            written += n
    print(f'wrote {a.out}: {written} tokens')


if __name__ == '__main__':
    main()
