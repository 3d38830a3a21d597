"""The ``namenorm`` command.

::

    namenorm "Gawishoglu"                  # the canonical name, one line per query
    namenorm --json "Al-Watiyah" Misurata  # JSON Lines: query, id, name, type, score, matched, why
    namenorm --json < names.txt            # one name a line on stdin (or --file FILE)
    namenorm explain "Çavuşoغلlu"          # normal forms, keys and top candidates
    namenorm scan article.txt              # names in running text, with offsets
    namenorm cluster names.txt             # group spellings of one person or place
    namenorm import geonames cities500.txt -o cities500.jsonl

Exit status: 0 when every name resolved, 1 when some did not or a line was
bad (the others are still answered, in order), 2 on a usage error. Errors go
to stderr as one line each, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO, TextIO

from namenorm._version import __version__
from namenorm.gazetteer import ENTITY_TYPES, Gazetteer, GazetteerError
from namenorm.keys import phonetic_key
from namenorm.parts import parse
from namenorm.resolve import Resolver, default_resolver
from namenorm.score import DEFAULT_THRESHOLD

__all__ = ["main"]

_SUBCOMMANDS = ("explain", "scan", "cluster", "import")
# One name is a name, not a document: longer lines are refused, not truncated silently.
_MAX_LINE = 10_000


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


def _common(ap: argparse.ArgumentParser) -> None:
    ap.add_argument(
        "-g", "--gazetteer", metavar="PATH",
        help="a CSV/TSV/JSONL gazetteer instead of the built-in one (default: $NAMENORM_GAZETTEER if set)",
    )
    ap.add_argument(
        "--index", metavar="PATH",
        help="the gazetteer's saved index: loaded, or built and saved there (default: $NAMENORM_INDEX)",
    )
    ap.add_argument("--skip-bad", action="store_true", help="load a gazetteer's good rows, report the bad ones")
    ap.add_argument(
        "-t", "--type", action="append", choices=ENTITY_TYPES, dest="types", help="only this type (repeatable)"
    )
    ap.add_argument("-c", "--country", metavar="CC", help="only entities of this ISO 3166-1 alpha-2 country")


def _build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="namenorm",
        description="Say who or where a name means, however it was spelled.",
        epilog=(
            "Subcommands: 'namenorm explain NAME' (normal forms, keys, candidates), "
            "'namenorm scan FILE' (names in text), 'namenorm cluster FILE' (group spellings), "
            "'namenorm import geonames SOURCE -o OUT' (a GeoNames gazetteer). "
            "To resolve a name that is a subcommand's word, put -- before it."
        ),
    )
    ap.add_argument("names", nargs="*", metavar="NAME", help="names to resolve (default: one per line on stdin)")
    ap.add_argument("-f", "--file", metavar="FILE", help="read names from FILE, one per line ('-' for stdin)")
    ap.add_argument("--json", action="store_true", help="JSON Lines output")
    ap.add_argument("--threshold", type=float, default=None, help=f"score needed (default {DEFAULT_THRESHOLD})")
    ap.add_argument("-v", "--verbose", action="store_true", help="show id, type and score beside each name")
    ap.add_argument("--version", action="version", version=f"namenorm {__version__}")
    _common(ap)
    return ap


def _explain_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="namenorm explain", description="Show how a name is normalised, keyed and scored.")
    ap.add_argument("names", nargs="+", metavar="NAME")
    ap.add_argument("-n", "--limit", type=int, default=5, help="candidates to show")
    ap.add_argument("--json", action="store_true", help="JSON output")
    _common(ap)
    return ap


def _resolver(args: argparse.Namespace, threshold: float | None = None) -> Resolver:
    if args.gazetteer:
        g = Gazetteer.load(args.gazetteer, skip_bad=args.skip_bad)
        for err in g.errors:
            print(f"namenorm: skipped: {err}", file=sys.stderr)
        return Resolver(
            g, threshold=threshold if threshold is not None else DEFAULT_THRESHOLD, index_path=args.index or None
        )
    r = default_resolver()
    if threshold is not None and threshold != r.threshold:
        return r.with_threshold(threshold)
    return r


def _lines(stream: IO[bytes], label: str) -> Iterator[tuple[int, str | None, str]]:
    """(line number, name or None, error) for each non-empty line, decoded strictly."""
    for lineno, raw in enumerate(stream, start=1):
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        if len(raw) > _MAX_LINE:
            yield lineno, None, f"{label}: line {lineno}: too long for a name ({len(raw)} bytes; at most {_MAX_LINE})"
            continue
        if b"\x00" in raw:
            yield lineno, None, f"{label}: line {lineno}: NUL byte in line"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield lineno, None, f"{label}: line {lineno}: invalid UTF-8 at byte {exc.start}"
            continue
        if lineno == 1:
            text = text.lstrip("\ufeff")
        yield lineno, text.strip(), ""


def _inputs(args: argparse.Namespace, stdin: IO[bytes]) -> Iterator[tuple[int, str | None, str]]:
    if args.names:
        for i, name in enumerate(args.names, start=1):
            yield i, name, ""
        return
    if args.file and args.file != "-":
        try:
            with open(args.file, "rb") as fh:
                yield from _lines(fh, args.file)
        except OSError as exc:
            raise _UsageError(f"namenorm: cannot read {args.file}: {exc.strerror}") from None
        return
    yield from _lines(stdin, "<stdin>")


def _run_resolve(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    resolver = _resolver(args, args.threshold)
    status = 0
    for _lineno, name, error in _inputs(args, stdin):
        if name is None:
            print(f"namenorm: {error}", file=err)
            status = 1
            if args.json:
                print(json.dumps({"query": None, "error": error}, ensure_ascii=False), file=out)
            else:
                print("", file=out)
            continue
        match = resolver.resolve(name, types=args.types, country=args.country)
        if match is None:
            status = 1
            if args.json:
                print(json.dumps({"query": name, "id": None}, ensure_ascii=False), file=out)
            else:
                print(f"namenorm: no match for {name!r}", file=err)
                print("", file=out)
            continue
        if args.json:
            print(json.dumps(match.to_dict(), ensure_ascii=False), file=out)
        elif args.verbose:
            e = match.entity
            print(f"{name}\t{e.name}\t{e.id}\t{e.type}\t{match.score:.2f}", file=out)
        else:
            print(match.entity.name, file=out)
    return status


def _run_explain(argv: list[str], out: TextIO) -> int:
    args = _explain_parser().parse_args(argv)
    resolver = _resolver(args)
    reports = []
    for name in args.names:
        p = parse(name)
        parts = [
            {"text": q.text, "skeleton": "|".join(dict.fromkeys(q.keys)),
             "metaphone": phonetic_key(q.text), "optional": q.optional, "role": q.role}
            for q in p.parts
        ]
        cands = resolver.candidates(name, limit=args.limit, types=args.types, country=args.country)
        reports.append({"query": name, "normal": p.folded, "parts": parts,
                        "candidates": [m.to_dict() for m in cands]})
    if args.json:
        for r in reports:
            print(json.dumps(r, ensure_ascii=False), file=out)
        return 0
    for r in reports:
        print(f"query:   {r['query']}", file=out)
        print(f"normal:  {r['normal']}", file=out)
        for q in r["parts"]:
            flag = " (optional)" if q["optional"] else (f" ({q['role']})" if q["role"] else "")
            print(f"  part {q['text']:<16} skeleton {q['skeleton']:<12} metaphone {q['metaphone']}{flag}", file=out)
        print("candidates:", file=out)
        if not r["candidates"]:
            print("  (none)", file=out)
        for c in r["candidates"]:
            mark = "*" if c["score"] >= resolver.threshold else " "
            print(f" {mark}{c['score']:.2f}  {c['name']}  [{c['id']}, {c['type']}]", file=out)
            print(f"        {c['why']}", file=out)
        print(file=out)
    return 0


def _run_subcommand(name: str, argv: list[str], out: TextIO) -> int:
    # Imported here, so that resolving a name does not load scan, cluster or import.
    if name == "explain":
        return _run_explain(argv, out)
    if name == "scan":
        from namenorm.scan import run_scan_cli

        return run_scan_cli(argv)
    if name == "cluster":
        from namenorm.cluster import run_cluster_cli

        return run_cluster_cli(argv)
    from namenorm.geonames import run_import_cli

    return run_import_cli(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: the arguments, without the program name (``sys.argv[1:]`` by default).

    Returns:
        0 when every name resolved, 1 when some did not, 2 on a usage error.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    out, err = sys.stdout, sys.stderr
    try:
        if argv and argv[0] in _SUBCOMMANDS:
            return _run_subcommand(argv[0], argv[1:], out)
        args = _build_parser().parse_args(argv)
        return _run_resolve(args, out, err, sys.stdin.buffer)
    except _UsageError as exc:
        print(exc, file=err)
        print("usage: namenorm [--json] [NAME ...]   (namenorm --help for more)", file=err)
        return 2
    except GazetteerError as exc:
        print(f"namenorm: {exc}", file=err)
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
