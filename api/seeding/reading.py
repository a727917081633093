"""Reading seed files: find them, parse them, validate them, and say where each error is.

Errors are collected, never raised one by one: a curator fixes a whole batch of
mistakes from one run. Each is `file:line: field.path: message`, the line found
by walking the YAML node tree (composed again only when a file has errors, so a
clean import pays nothing for it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import orjson
import yaml
from marshmallow import ValidationError

from schemas.seed import AgreementSchema, References, VocabularyFileSchema, references

try:  # libyaml is several times faster; the pure-Python loader reads the same documents
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader

VOCABULARY_FILES = ("sources", "parties", "sectors", "clause_types")
VOCABULARY_KEYS = {"sources": "id", "parties": "code", "sectors": "slug", "clause_types": "slug"}
SEED_SUFFIXES = (".yaml", ".yml", ".jsonl")


@dataclass(frozen=True)
class SeedError:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


@dataclass
class Document:
    """One parsed (not yet validated) document and where it came from."""

    file: str
    line: int  # first line of the document in its file
    data: object
    text: str | None = None  # the YAML text, kept to locate errors


@dataclass
class SeedSet:
    """Everything the files hold, validated."""

    vocabularies: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in VOCABULARY_FILES})
    agreements: list[dict] = field(default_factory=list)
    errors: list[SeedError] = field(default_factory=list)


def find_files(paths: Iterable[str]) -> tuple[list[Path], list[SeedError]]:
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.suffix in SEED_SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            errors.append(SeedError(str(path), 0, "path", "No such file or directory."))
    return files, errors


def is_vocabulary_file(path: Path) -> bool:
    return path.suffix != ".jsonl" and path.stem in VOCABULARY_FILES


def parse(path: Path) -> tuple[list[Document], list[SeedError]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [], [SeedError(name, 0, "file", f"Cannot be read: {error}.")]
    if path.suffix == ".jsonl":
        return _parse_jsonl(name, text)
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return [], [SeedError(name, mark.line + 1 if mark else 0, "syntax", f"{error.problem or error}.")]
    except yaml.YAMLError as error:
        return [], [SeedError(name, 0, "syntax", f"{error}.")]
    return [Document(name, 1, data, text)], []


def _parse_jsonl(name: str, text: str) -> tuple[list[Document], list[SeedError]]:
    documents, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append(Document(name, number, _load_json(line)))
        except json.JSONDecodeError as error:
            errors.append(SeedError(name, number, "syntax", f"{error.msg} (column {error.colno})."))
    return documents, errors


def _load_json(line: str):
    """One JSON Lines document. orjson reads 600,000 articles in half the time; what it refuses
    goes to the standard library, which accepts a little more (NaN, integers beyond 64 bits)
    and words the error, so either reads the same documents and reports the same errors."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def compose(document: Document):
    if document.text is None:
        return None
    try:
        return yaml.compose(document.text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None


def locate(document: Document, path: tuple, node=None) -> int:
    """The line of the deepest node of `path` that the document has (a missing field: its parent)."""
    node = node if node is not None else compose(document)
    if node is None:
        return document.line
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1  # the key's line: where the field is written
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def flatten(messages, prefix: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """marshmallow's nested error dict as (path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                yield from flatten(value, prefix)
            else:
                yield from flatten(value, prefix + (key,))
    elif isinstance(messages, list):
        for message in messages:
            yield from flatten(message, prefix)
    else:
        yield prefix, str(messages)


def _errors(document: Document, messages, prefix: tuple = ()) -> list[SeedError]:
    root = compose(document)  # once per file, however many errors it has
    errors = []
    for path, message in flatten(messages, prefix):
        line = locate(document, path, root)
        errors.append(SeedError(document.file, line, ".".join(map(str, path)) or "document", message))
    return errors


@dataclass
class Parsed:
    vocabularies: list[Document] = field(default_factory=list)
    agreements: list[Document] = field(default_factory=list)
    errors: list[SeedError] = field(default_factory=list)


def parse_all(paths: Iterable[str]) -> Parsed:
    parsed = Parsed()
    files, parsed.errors = find_files(paths)
    for path in files:
        documents, errors = parse(path)
        parsed.errors.extend(errors)
        (parsed.vocabularies if is_vocabulary_file(path) else parsed.agreements).extend(documents)
    return parsed


def validate(parsed: Parsed, database_references: References, prune: bool, progress=None) -> SeedSet:
    """Validate every document. References may point at the files or, unless pruning
    (which would delete them), at what the database already holds."""
    seeds = SeedSet(errors=list(parsed.errors))
    known = References() if prune else database_references
    _read_vocabularies(parsed.vocabularies, seeds, known)
    known.agreements |= _agreement_ids(parsed.agreements)
    _read_agreements(parsed.agreements, seeds, known, progress)
    seeds.errors.sort(key=lambda e: (e.file, e.line))
    return seeds


def read(paths: Iterable[str], database_references: References, prune: bool) -> SeedSet:
    return validate(parse_all(paths), database_references, prune)


def _read_vocabularies(documents: list[Document], seeds: SeedSet, known: References) -> None:
    schema = VocabularyFileSchema()
    seen: dict[tuple[str, str], str] = {}
    for document in documents:
        if document.data is None:
            continue  # an empty file
        if not isinstance(document.data, dict):
            seeds.errors.append(SeedError(document.file, document.line, "document", "Not a mapping."))
            continue
        try:
            loaded = schema.load(document.data)
        except ValidationError as error:
            seeds.errors.extend(_errors(document, error.messages))
            continue
        for kind, key in VOCABULARY_KEYS.items():
            for index, record in enumerate(loaded[kind]):
                where = seen.setdefault((kind, record[key]), document.file)
                if where != document.file:
                    seeds.errors.append(SeedError(
                        document.file, locate(document, (kind, index, key)), f"{kind}.{index}.{key}",
                        f"'{record[key]}' is also defined in {where}.",
                    ))
                    continue
                seeds.vocabularies[kind].append(record)
                getattr(known, kind).add(record[key])


def _agreement_ids(documents: list[Document]) -> set[str]:
    return {d.data["id"] for d in documents if isinstance(d.data, dict) and isinstance(d.data.get("id"), str)}


def _read_agreements(documents: list[Document], seeds: SeedSet, known: References, progress) -> None:
    schema = AgreementSchema()
    seen: dict[str, str] = {}
    with references(known):
        for document in documents:
            if progress is not None:
                progress.update(1)
            if not isinstance(document.data, dict):
                seeds.errors.append(SeedError(document.file, document.line, "document", "Not a mapping."))
                continue
            try:
                agreement = schema.load(document.data)
            except ValidationError as error:
                seeds.errors.extend(_errors(document, error.messages))
                continue
            where = seen.setdefault(agreement["id"], f"{document.file}:{document.line}")
            if where != f"{document.file}:{document.line}":
                seeds.errors.append(SeedError(
                    document.file, locate(document, ("id",)), "id", f"'{agreement['id']}' is also defined in {where}.",
                ))
                continue
            if document.text is not None and Path(document.file).stem != agreement["id"]:
                seeds.errors.append(SeedError(
                    document.file, locate(document, ("id",)), "id",
                    f"The file must be named after the agreement: {agreement['id']}{Path(document.file).suffix}.",
                ))
                continue
            seeds.agreements.append(agreement)
            document.data = None  # the validated copy is all that is needed now: halves the memory of a bulk import
