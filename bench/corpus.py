"""A deterministic synthetic corpus in the seed-file shape (seeds/README.md).

At scale 1: 20,000 agreements, 600,000 articles of about 600 characters, 200
parties, 20 sectors, 16 clause types, 2,000 sources; about 2 sectors and 1
clause type per article; a signature and a ratification per party and
agreement; citations on every fact the import rules require one for.
BENCH_SCALE shrinks the agreement, article and source counts (the
vocabularies keep their size).

Skew, so that the benchmark meets what real data has: words follow a Zipf law
(rank 1 is "the", about one token in ten), parties and sectors are drawn with
Zipf-like weights (a few big parties and sectors, a long tail), and search
words are drawn from the same vocabulary with a flatter skew (common words
are searched too, but most searches are for content words).

Output, in one directory: sources/parties/sectors/clause_types files (JSON,
which is YAML too) and `agreements.jsonl`, one agreement document per line.

    python -m bench.corpus OUT_DIR [--scale 0.05]
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "3"  # bump when the output changes, so cached corpora and databases are rebuilt
SEED = 20261127

AGREEMENTS = 20_000
ARTICLES = 600_000
PARTIES = 200
SOURCES = 2_000
VOCABULARY = 20_000
TEXT_CHARS = 600
WORD_SKEW = 1.05  # Zipf exponent of word frequencies in article text
SEARCH_SKEW = 0.5  # Zipf exponent of search words over the same ranks (flatter: content words)
PARTY_SKEW = 0.8
SECTOR_SKEW = 0.7

# The head of the vocabulary: real words, most frequent first, so that the
# common words of a treaty text exist (and are stemmed) as they would be.
HEAD_WORDS = """the of and to shall in parties party this agreement or any by be with for on other their
such as its which from cooperation state article provisions measures accordance that may at an all not each
between within territory rights obligations contracting present under information including national
development relevant competent authorities security mutual basis order law international government
support areas field matters respect protection economic implementation purpose framework joint military
defence trade energy financial investment transport communications science technology education health
culture environment agriculture fisheries nuclear maritime border customs migration labour justice
police intelligence cyber space aviation railway pipeline gas oil electricity payment currency bank
sanctions exchange assistance consultation dispute settlement arbitration ratification entry force
termination amendment withdrawal notification depositary signature annex protocol paragraph
provided accordingly necessary appropriate promote strengthen ensure facilitate develop maintain
establish undertake refrain aggression threat attack armed conflict peace stability sovereignty
independence integrity interference internal affairs neighbourhood friendship partnership strategic
comprehensive long term regional global organisation united nations charter principles equality
benefit interest commission committee working group meetings regular level ministers representatives
experts exchange visits training exercises equipment supply production joint ventures projects
infrastructure construction research innovation digital data personal confidential classified
""".split()

SECTORS = [
    ("military", "Military"), ("security", "Security"), ("energy", "Energy"), ("finance", "Finance"),
    ("trade", "Trade"), ("transport", "Transport"), ("nuclear", "Nuclear"), ("space", "Space"),
    ("cyber", "Cyber and information"), ("intelligence", "Intelligence"), ("migration", "Migration"),
    ("justice", "Justice and law enforcement"), ("science", "Science and technology"),
    ("education", "Education"), ("health", "Health"), ("culture", "Culture"),
    ("agriculture", "Agriculture"), ("environment", "Environment"), ("maritime", "Maritime"),
    ("customs", "Customs"),
]
CLAUSE_TYPES = [
    ("mutual-assistance", "Mutual defence / military assistance", "defense"),
    ("non-assistance-to-aggressor", "Non-assistance to an aggressor", "neutral"),
    ("non-aggression", "Non-aggression", "nonagg"),
    ("consultation", "Consultation in a crisis", "consul"),
    ("offensive-cooperation", "Offensive cooperation", "offense"),
    ("information-exchange", "Information exchange", None),
    ("joint-exercises", "Joint exercises", None),
    ("technology-transfer", "Technology transfer", None),
    ("sanctions-non-recognition", "Non-recognition of sanctions", None),
    ("dispute-settlement", "Dispute settlement", None),
    ("termination", "Termination and withdrawal", None),
    ("amendment", "Amendment", None),
    ("confidentiality", "Confidentiality", None),
    ("most-favoured-nation", "Most-favoured-nation treatment", None),
    ("investment-protection", "Investment protection", None),
    ("payments-in-national-currencies", "Payments in national currencies", None),
]
KINDS = ["treaty", "agreement", "memorandum", "protocol", "convention", "declaration", "contract"]
KIND_WEIGHTS = [30, 40, 12, 8, 4, 4, 2]
STATUSES = ["in_force", "signed", "terminated", "expired", "negotiated"]
STATUS_WEIGHTS = [62, 18, 8, 7, 5]
SOURCE_KINDS = ["news", "official", "analysis", "reference", "treaty-text", "encyclopedia"]
ORGANISATIONS = 15
COMPANIES = 5


def zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def draw_distinct(rng: random.Random, population: list, cum: list[float], k: int) -> list:
    """k distinct items drawn with the given cumulative weights."""
    chosen: list = []
    total = cum[-1]
    while len(chosen) < k:
        item = population[bisect.bisect(cum, rng.random() * total)]
        if item not in chosen:
            chosen.append(item)
    return chosen


def make_vocabulary(rng: random.Random, size: int = VOCABULARY) -> list[str]:
    """The head words, then pronounceable made-up words, unique, in rank order."""
    words = list(dict.fromkeys(HEAD_WORDS))
    seen = set(words)
    onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "st", "pl", "gr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
    codas = ["", "", "n", "r", "s", "l", "m", "nt", "st"]
    while len(words) < size:
        syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables - 1))
        word += rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class Spec:
    scale: float = 1.0
    agreements: int = field(init=False)
    articles: int = field(init=False)
    sources: int = field(init=False)

    def __post_init__(self):
        self.agreements = max(50, round(AGREEMENTS * self.scale))
        self.articles = max(self.agreements, round(ARTICLES * self.scale))
        self.sources = max(50, round(SOURCES * self.scale))


def party_codes() -> list[tuple[str, str, str]]:
    """(code, name, kind): 180 states with user-assigned ISO codes, organisations and companies."""
    states = PARTIES - ORGANISATIONS - COMPANIES
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [f"X{a}{b}" for a in letters for b in letters][:states]
    parties = [(code, f"Republic of {code.title()}", "state") for code in codes]
    parties += [(f"org-{i:02d}", f"Organisation {i}", "organisation") for i in range(1, ORGANISATIONS + 1)]
    parties += [(f"company-{i:02d}", f"Company {i} PLC", "company") for i in range(1, COMPANIES + 1)]
    return parties


class Generator:
    def __init__(self, scale: float = 1.0, seed: int = SEED):
        self.spec = Spec(scale)
        self.rng = random.Random(seed)
        self.words = make_vocabulary(self.rng)
        self.word_cum = zipf_cum_weights(len(self.words), WORD_SKEW)
        mean_len = sum((len(w) + 1) / r**WORD_SKEW for r, w in enumerate(self.words, 1)) / self.word_cum[-1]
        self.words_per_text = max(10, round(TEXT_CHARS / mean_len))
        self.parties = party_codes()
        # Party weights follow rank, but the ranks are shuffled so that the
        # big parties are not simply the first codes.
        order = list(range(len(self.parties)))
        self.rng.shuffle(order)
        self.party_by_rank = [self.parties[i][0] for i in order]
        self.party_cum = zipf_cum_weights(len(self.parties), PARTY_SKEW)
        self.sector_slugs = [slug for slug, _ in SECTORS]
        self.sector_cum = zipf_cum_weights(len(SECTORS), SECTOR_SKEW)
        self.clause_slugs = [slug for slug, _, _ in CLAUSE_TYPES]
        self.clause_cum = zipf_cum_weights(len(CLAUSE_TYPES), 0.9)
        self.source_ids = [f"bench-source-{i:05d}" for i in range(1, self.spec.sources + 1)]

    # -- vocabularies -------------------------------------------------------
    def sources(self) -> list[dict]:
        rng = random.Random(SEED + 1)
        out = []
        for i, sid in enumerate(self.source_ids, 1):
            out.append({
                "id": sid,
                "title": f"{self.sentence(rng, 6).rstrip('.')} ({i})",
                "publisher": rng.choice(["Gazette", "Wire", "Herald", "Review", None]),
                "url": f"https://example.org/sources/{i}",
                "published_on": (dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(12_000))).isoformat(),
                "kind": rng.choice(SOURCE_KINDS),
                "language": rng.choice(["en", "en", "ru", "fr"]),
                "note": None,
            })
        return out

    def vocabularies(self) -> dict[str, dict]:
        return {
            "sources": {"sources": self.sources()},
            "parties": {"parties": [{"code": c, "name": n, "kind": k} for c, n, k in self.parties]},
            "sectors": {"sectors": [
                {"slug": s, "name": n, "description": f"{n}: synthetic benchmark sector."} for s, n in SECTORS
            ]},
            "clause_types": {"clause_types": [
                {"slug": s, "name": n, "description": f"{n}: synthetic benchmark clause type.", "atop_obligation": a}
                for s, n, a in CLAUSE_TYPES
            ]},
        }

    # -- text ---------------------------------------------------------------
    def tokens(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.word_cum, k=k)

    def sentence(self, rng: random.Random, k: int) -> str:
        words = self.tokens(rng, k)
        return " ".join(words).capitalize() + "."

    def text(self, rng: random.Random) -> str:
        words = self.tokens(rng, self.words_per_text)
        out = []
        i = 0
        while i < len(words):
            n = rng.randint(10, 20)
            out.append(" ".join(words[i:i + n]).capitalize() + ".")
            i += n
        return " ".join(out)

    def search_words(self, n: int, seed: int = SEED + 2) -> list[str]:
        """n search words: every word of the vocabulary, drawn with a flatter Zipf skew."""
        rng = random.Random(seed)
        cum = zipf_cum_weights(len(self.words), SEARCH_SKEW)
        return rng.choices(self.words, cum_weights=cum, k=n)

    # -- agreements ---------------------------------------------------------
    def article_counts(self) -> list[int]:
        rng = random.Random(SEED + 3)
        n, total = self.spec.agreements, self.spec.articles
        mean = total / n
        counts = [max(1, round(rng.uniform(0.3, 1.7) * mean)) for _ in range(n)]
        diff = total - sum(counts)
        while diff:
            i = rng.randrange(n)
            step = 1 if diff > 0 else -1
            if counts[i] + step >= 1:
                counts[i] += step
                diff -= step
        return counts

    def cite(self, rng: random.Random, locator: str | None = None) -> list[dict]:
        return [{"source": self.source_ids[rng.randrange(len(self.source_ids))], "locator": locator}]

    def agreements(self):
        """Yield the agreement documents, one per agreement, deterministically."""
        for index, count in enumerate(self.article_counts(), 1):
            yield self.agreement(index, count)

    def agreement(self, index: int, article_count: int) -> dict:
        rng = random.Random(f"{SEED}-agreement-{index}")
        k_parties = 2 if rng.random() < 0.8 else rng.randint(3, 6)
        parties = draw_distinct(rng, self.party_by_rank, self.party_cum, k_parties)
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        signed = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(27_000))
        in_force = ended = None
        if status in ("in_force", "terminated", "expired"):
            in_force = signed + dt.timedelta(days=rng.randint(30, 700))
        if status in ("terminated", "expired"):
            ended = in_force + dt.timedelta(days=rng.randint(365, 7000))
        if status == "negotiated":
            signed = None
        term = rng.choice(["fixed", "indefinite", None])
        subject = " ".join(self.tokens(rng, 3))
        names = " and ".join(parties)
        slug = f"bench-{index:06d}"
        events = []
        if signed:
            for code in parties:
                events.append({
                    "id": f"{code.lower()}-signature", "party": code, "kind": "signature",
                    "date": signed.isoformat(), "precision": "day", "acting_body": None, "note": None,
                    "sources": self.cite(rng),
                })
                if in_force:
                    ratified = signed + dt.timedelta(days=rng.randint(1, (in_force - signed).days))
                    events.append({
                        "id": f"{code.lower()}-ratification", "party": code, "kind": "ratification",
                        "date": ratified.isoformat(), "precision": rng.choice(["day", "day", "day", "month"]),
                        "acting_body": "Parliament", "note": None, "sources": self.cite(rng),
                    })
                    if events[-1]["precision"] == "month":
                        events[-1]["date"] = ratified.replace(day=1).isoformat()
                        if ratified.replace(day=1) < signed:
                            events[-1]["precision"] = "day"
                            events[-1]["date"] = ratified.isoformat()
            if in_force:
                events.append({
                    "id": "entry-into-force", "party": None, "kind": "entry_into_force",
                    "date": in_force.isoformat(), "precision": "day", "acting_body": None, "note": None,
                    "sources": self.cite(rng),
                })
        articles = []
        for number in range(1, article_count + 1):
            k_sectors = rng.choices((1, 2, 3), weights=(30, 45, 25))[0]
            sectors = draw_distinct(rng, self.sector_slugs, self.sector_cum, k_sectors)
            k_clauses = rng.choices((0, 1, 2), weights=(10, 80, 10))[0]
            clauses = draw_distinct(rng, self.clause_slugs, self.clause_cum, k_clauses)
            articles.append({
                "number": number,
                "heading": " ".join(self.tokens(rng, rng.randint(2, 5))).capitalize(),
                "summary": self.sentence(rng, rng.randint(8, 16)) if rng.random() < 0.3 else None,
                "text": self.text(rng),
                "sources": self.cite(rng, f"Article {number}"),
                "sectors": [{"sector": s, "sources": self.cite(rng)} for s in sectors],
                "clause_types": [
                    {"clause_type": c, "paragraph": rng.choice([None, "1", "2", "3"]), "sources": self.cite(rng)}
                    for c in clauses
                ],
                "disputes": {},
            })
        doc = {
            "id": slug,
            "title": f"{kind.capitalize()} on {subject} between {names}",
            "short_title": f"{names} {kind} {signed.year if signed else ''}".strip(),
            "kind": kind,
            "status": status,
            "signed_on": signed.isoformat() if signed else None,
            "signed_at": rng.choice(["Moscow", "Geneva", "Vienna", "Beijing", "New York", None]),
            "entry_into_force_rule": "On the date of the last notification of ratification." if rng.random() < 0.5 else None,
            "entered_into_force_on": in_force.isoformat() if in_force else None,
            "ended_on": ended.isoformat() if ended else None,
            "term": term,
            "term_years": rng.randint(5, 30) if term == "fixed" else None,
            "renewal": "Renewed automatically for five-year periods." if term == "fixed" and rng.random() < 0.5 else None,
            "article_count": article_count,
            "languages": ["en"],
            "summary": self.sentence(rng, rng.randint(15, 30)),
            "supersedes": None,
            "sources": self.cite(rng) + [{"source": self.source_ids[rng.randrange(len(self.source_ids))],
                                          "field": "article_count", "locator": None}],
            "disputes": {},
            "parties": [{"party": code, "role": "party"} for code in parties],
            "events": events,
            "sectors": [],
            "articles": articles,
        }
        if signed and rng.random() < 0.02:
            other = signed - dt.timedelta(days=1)
            doc["disputes"] = {"signed_on": [{"value": other.isoformat(), "note": "date of the other text",
                                              "sources": self.cite(rng)}]}
        return doc


def write(out_dir: Path, scale: float) -> dict:
    """Write the corpus into out_dir; return its counts."""
    gen = Generator(scale)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, doc in gen.vocabularies().items():
        (out_dir / f"{name}.yaml").write_text(json.dumps(doc, indent=1) + "\n")
    tmp = out_dir / "agreements.jsonl.tmp"
    counts = {"agreements": 0, "articles": 0, "article_sectors": 0, "article_clause_types": 0, "events": 0}
    with tmp.open("w") as fh:
        for doc in gen.agreements():
            counts["agreements"] += 1
            counts["articles"] += len(doc["articles"])
            counts["events"] += len(doc["events"])
            counts["article_sectors"] += sum(len(a["sectors"]) for a in doc["articles"])
            counts["article_clause_types"] += sum(len(a["clause_types"]) for a in doc["articles"])
            fh.write(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))
            fh.write("\n")
    os.replace(tmp, out_dir / "agreements.jsonl")
    counts.update(parties=len(gen.parties), sectors=len(SECTORS), clause_types=len(CLAUSE_TYPES),
                  sources=len(gen.source_ids), words_per_text=gen.words_per_text)
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    args = parser.parse_args(argv)
    print(json.dumps(write(args.out_dir, args.scale)))


if __name__ == "__main__":
    main()
