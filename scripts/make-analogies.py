#!/usr/bin/env python3
"""Writes a word-analogy question file in the questions-words.txt format (': section' lines, then 'a b c d' rows:
a is to b as c is to d) from dlp's own hand-written word pairs: every ordered pair of distinct pairs within a
section is a question. Eight sections in the style of Google's analogy set (which no package available here ships),
chosen from common English words so that a small corpus such as Brown covers many of them. It is a development
set written for dlp, not a published benchmark: use it to compare two models on the same file, not to quote
absolute accuracy against papers.

  scripts/make-analogies.py OUT_FILE
"""
import sys

SECTIONS = {
    "capital-country": "athens greece rome italy paris france london england berlin germany moscow russia "
                       "tokyo japan madrid spain cairo egypt vienna austria ottawa canada dublin ireland "
                       "lisbon portugal stockholm sweden oslo norway warsaw poland havana cuba brussels belgium "
                       "budapest hungary jerusalem israel",
    "family": "boy girl brother sister father mother husband wife king queen man woman son daughter uncle aunt "
              "he she his her men women boys girls brothers sisters sons daughters fathers mothers kings queens "
              "mr mrs grandfather grandmother nephew niece prince princess gentleman lady",
    "nationality-adjective": "america american england english france french germany german russia russian "
                             "italy italian china chinese japan japanese spain spanish britain british "
                             "greece greek ireland irish poland polish mexico mexican canada canadian "
                             "india indian europe european africa african egypt egyptian sweden swedish",
    "plural-nouns": "car cars child children city cities day days dog dogs eye eyes hand hands house houses "
                    "year years road roads book books school schools tree trees horse horses church churches "
                    "river rivers street streets window windows door doors friend friends wall walls",
    "past-tense": "go went see saw take took come came give gave know knew say said think thought find found "
                  "tell told walk walked play played write wrote run ran sit sat stand stood speak spoke eat ate "
                  "bring brought buy bought begin began leave left hear heard feel felt",
    "comparative": "big bigger small smaller good better bad worse great greater high higher large larger "
                   "long longer old older young younger strong stronger short shorter easy easier hard harder "
                   "low lower cheap cheaper fast faster warm warmer cold colder wide wider deep deeper "
                   "close closer",
    "present-participle": "go going run running walk walking play playing sing singing read reading "
                          "write writing look looking think thinking sit sitting say saying see seeing "
                          "eat eating work working move moving fly flying swim swimming talk talking "
                          "listen listening sleep sleeping",
    "opposite": "able unable aware unaware certain uncertain clear unclear comfortable uncomfortable "
                "fortunate unfortunate happy unhappy known unknown likely unlikely necessary unnecessary "
                "possible impossible usual unusual fair unfair important unimportant willing unwilling "
                "expected unexpected pleasant unpleasant reasonable unreasonable sure unsure honest dishonest",
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    n = 0
    with open(sys.argv[1], "w") as out:
        for name, words in SECTIONS.items():
            w = words.split()
            pairs = list(zip(w[0::2], w[1::2]))
            out.write(f": {name}\n")
            for a, b in pairs:
                for c, d in pairs:
                    if (a, b) != (c, d):
                        out.write(f"{a} {b} {c} {d}\n")
                        n += 1
    print(f"{sys.argv[1]}: {n} questions in {len(SECTIONS)} sections", file=sys.stderr)


if __name__ == "__main__":
    main()
