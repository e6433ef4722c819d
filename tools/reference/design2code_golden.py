"""Golden values for the Design2Code Java ports (run once; outputs are committed as test resources).

    python3 tools/reference/design2code_golden.py design2code/src/test/resources/design2code

difflib.SequenceMatcher(None, a, b).ratio() on a fixed, seeded list of string pairs (short, long
>= 200 characters so autojunk applies, repetitive, non-ASCII), and, when scipy is importable,
scipy.optimize.linear_sum_assignment on small random matrices with many ties.
"""
import difflib
import json
import random
import sys

out = sys.argv[1]
rng = random.Random(2024)
words = ("the quick brown fox jumps over lazy dog lorem ipsum dolor sit amet pricing plans "
         "free pro enterprise sign up contact us about blog features getting started "
         "postgresql documentation chapter table of contents").split()


def sentence(n):
    return " ".join(rng.choice(words) for _ in range(n))


def mutate(s, k):
    chars = list(s)
    for _ in range(k):
        op = rng.randrange(3)
        pos = rng.randrange(len(chars) + 1)
        if op == 0 and chars and pos < len(chars):
            del chars[pos]
        elif op == 1:
            chars.insert(pos, rng.choice("abcdefghij xyz.,"))
        elif chars and pos < len(chars):
            chars[pos] = rng.choice("ABCDEFG123 ")
    return "".join(chars)


pairs = [("", ""), ("", "abc"), ("abc", ""), ("abc", "abc"), ("abcd", "bcde"),
         ("pricing", "Pricing"), ("ünïcödé ✓ text", "unicode ✓ text"), ("aaaa" * 60, "aaab" * 60),
         ("a" * 250, "a" * 240 + "b" * 10), ("ab" * 150, "ba" * 150)]
for n in (2, 5, 12, 40, 60, 90):
    for k in (0, 1, 3, 10, 40):
        s = sentence(n)
        pairs.append((s, mutate(s, k)))
        pairs.append((mutate(s, k), s))
for _ in range(40):
    pairs.append((sentence(rng.randrange(1, 80)), sentence(rng.randrange(1, 80))))
cases = [{"a": a, "b": b, "ratio": difflib.SequenceMatcher(None, a, b).ratio()} for a, b in pairs]
with open(f"{out}/difflib_ratio.json", "w", encoding="utf-8") as f:
    json.dump(cases, f, ensure_ascii=False, indent=0)
print(len(cases), "difflib pairs")

try:
    from scipy.optimize import linear_sum_assignment
except ImportError:
    sys.exit(0)
mats = []
for t in range(120):
    n, m = rng.randrange(1, 7), rng.randrange(1, 7)
    levels = rng.choice([2, 3, 5, 1000])  # few levels -> many ties
    c = [[-round(rng.randrange(levels) / levels, 3) for _ in range(m)] for _ in range(n)]
    r, col = linear_sum_assignment(c)
    mats.append({"cost": c, "rows": [int(x) for x in r], "cols": [int(x) for x in col]})
with open(f"{out}/lsa.json", "w") as f:
    json.dump(mats, f)
print(len(mats), "assignment cases")
