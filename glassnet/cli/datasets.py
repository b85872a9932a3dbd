"""``glassnet datasets list`` and ``glassnet datasets download NAME``."""

from __future__ import annotations


def add_parser(commands) -> None:
    parser = commands.add_parser("datasets", help="list or download data sets",
                                 description="List the data sets and where each file was found, or download one.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="each data set, and whether and where its files were found")
    listing.add_argument("--path", help="also look in this folder")
    listing.set_defaults(run=run_list)
    fetch = actions.add_parser("download", help="download a data set into the cache ahead of time")
    fetch.add_argument("name", help="mnist, fashion_mnist, emnist, imdb or reuters")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a server (default 30)")
    fetch.set_defaults(run=run_download)


def run_list(args) -> int:
    """Each data set, each file's place and its checksum's verdict; exit status 1 when a file found is damaged."""
    from .. import datasets
    damaged = 0
    for name in datasets.DATASETS:
        found = datasets.status(name, args.path)
        missing = sum(entry.verdict == "missing" for entry in found.values())
        bad = sum(entry.verdict == "damaged" for entry in found.values())
        damaged += bad
        summary = "found" if not missing else f"missing {missing} file(s)"
        print(f"{name}: {summary}" + (f", {bad} damaged" if bad else ""))
        for role, entry in found.items():
            if entry.path is None:
                print(f"  {role:<13} -")
                continue
            note = f" ({entry.reason}; delete it or replace it with the published file)" if entry.reason else ""
            print(f"  {role:<13} {entry.verdict:<9} {entry.path}{note}")
    print("builtin: digits (scikit-learn), toy (synthetic)")
    return 1 if damaged else 0


def run_download(args) -> int:
    from .. import datasets
    for role, path in datasets.download(args.name, timeout=args.timeout).items():
        print(f"{role}: {path}")
    return 0
