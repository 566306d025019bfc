"""Scoring benchmark: 10,000 answer sets on the national model, against a bare sum in the same run.

    python bench/bench_scoring.py [--sets 10000] [--seed 1] [--repeat 5]

Pure Python, no database. The answer sets are random but valid (seeded): every question answered
(multiple choice: a random subset, or the exclusive 无 alone), every scenario rated 0–4.

- **baseline**: for each set, look up each chosen option's score in a prepared dict and add them
  as Decimals — the least any scorer must do.
- **score()**: ``diagnosis.scoring.score`` (checks the answers, sums per sub-dimension and
  dimension, caps multiple choice, counts scenarios, applies the level rule).
- **score() + JSON**: the same plus ``result_json``, what ``manage.py diagnosis_score --json``
  prints for each set.

Prints the median of ``--repeat`` runs of each, per set and in all, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from diagnosis.scoring import parse_model, result_json, score  # noqa: E402

MODEL_FILE = ROOT / "diagnosis" / "data" / "sme-digital-level-2024.json"


def answer_sets(model, count: int, seed: int) -> list[tuple[dict, dict]]:
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        answers = {}
        for question in model.questions.values():
            if question.kind == "single":
                answers[question.code] = [rng.choice(question.options).key]
            else:
                exclusive = [o.key for o in question.options if o.exclusive]
                others = [o.key for o in question.options if not o.exclusive]
                if exclusive and rng.random() < 0.15:
                    answers[question.code] = exclusive[:1]
                else:
                    answers[question.code] = rng.sample(others, rng.randint(1, len(others)))
        scenarios = {s.code: rng.randint(1, 4) for s in model.scenarios if rng.random() > 0.1}
        sets.append((answers, scenarios))
    return sets


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    model = parse_model(MODEL_FILE.read_bytes())
    sets = answer_sets(model, args.sets, args.seed)
    scores = {(q.code, o.key): o.score for q in model.questions.values() for o in q.options}

    def baseline():
        for answers, _scenarios in sets:
            total = Decimal(0)
            for code, keys in answers.items():
                for key in keys:
                    total += scores[code, key]

    def scoring():
        for answers, scenarios in sets:
            score(model, answers, scenarios)

    def scoring_json():
        for answers, scenarios in sets:
            result_json(model, score(model, answers, scenarios))

    levels = [score(model, a, s).level for a, s in sets]
    rows = [("baseline (bare Decimal sum)", timed(baseline, args.repeat))]
    rows.append(("score()", timed(scoring, args.repeat)))
    rows.append(("score() + result_json()", timed(scoring_json, args.repeat)))
    base = rows[0][1]
    print(f"Scoring {args.sets:,} answer sets on {model.code} (median of {args.repeat} runs)")
    print(f"{'':<30}{'total s':>10}{'µs/set':>10}{'× baseline':>12}")
    for label, seconds in rows:
        print(f"{label:<30}{seconds:>10.3f}{seconds / args.sets * 1e6:>10.1f}{seconds / base:>12.1f}")
    spread = {level: levels.count(level) for level in sorted(set(levels))}
    print(f"levels of the random sets: {spread}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
