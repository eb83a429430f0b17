"""Running measured steps in child processes, and the cached files the benchmarks reuse."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import files

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
CHUNK = 1_000_000      # the most rows one ingest call gets while a store is built
TIMEOUT = 1800.0       # seconds any one child process may take


def child_env() -> dict[str, str]:
    """The environment for children: this checkout's own code comes first."""
    paths = [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def measured(step: str, first: Path, second: Path) -> dict:
    """Run one worker step in a fresh process; its JSON result (seconds, peak_rss, ...)."""
    done = subprocess.run([sys.executable, str(HERE / "worker.py"), step, str(first), str(second)],
                          capture_output=True, text=True, env=child_env(), timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"worker {step} {second.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Cli:
    seconds: float
    returncode: int


def cli_ingest(store: Path, file: Path, report: Path) -> Cli:
    """`peacepulse ingest FILE --report CSV`, timed as a whole process."""
    command = [sys.executable, "-m", "peacepulse.cli", "--db", str(store), "ingest", str(file),
               "--report", str(report)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(), timeout=TIMEOUT,
                          check=False)
    return Cli(time.perf_counter() - start, done.returncode)


def copy_store(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def seeded(target: Path) -> Path:
    """A fresh store with the seed catalogue, made in a child so this process stays small."""
    code = "import sys; from pathlib import Path; from peacepulse import seeds; seeds.init(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", code, str(target)], env=child_env(), timeout=TIMEOUT, check=True)
    return target


def universe(rebuild: bool = False) -> Path:
    """The table of valid keys (files.py), built once per catalogue and generator version."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"universe-{files.catalogue_digest()}.duckdb"
    if rebuild or not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        start = time.perf_counter()
        size = files.build_universe(partial)
        partial.rename(path)
        print(f"  built the key universe ({size:,} keys) in {time.perf_counter() - start:.1f} s", flush=True)
    return path


def _store_path(rows: int) -> Path:
    return CACHE / f"store-{rows}-{files.catalogue_digest()}.duckdb"


def _largest_cached_below(rows: int) -> int:
    sizes = [int(p.name.split("-")[1]) for p in CACHE.glob(f"store-*-{files.catalogue_digest()}.duckdb")]
    return max([s for s in sizes if s < rows], default=0)


def big_store(rows: int, universe_file: Path, work: Path, rebuild: bool = False) -> tuple[Path, str]:
    """A store holding universe rows [0, rows), built through ingest_many in chunks and cached.

    Returns the cached file (never ingest into it: copy it first) and a note on how it was built.
    """
    path, meta = _store_path(rows), _store_path(rows).with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        built = json.loads(meta.read_text())
        return path, f"cached; building took {built['seconds']:.0f} s on {built['date']}"
    start_rows = 0 if rebuild else _largest_cached_below(rows)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    if start_rows:
        copy_store(_store_path(start_rows), partial)
        earlier = json.loads(_store_path(start_rows).with_suffix(".json").read_text())["seconds"]
    else:
        seeded(partial)
        earlier = 0.0
    start = time.perf_counter()
    for first in range(start_rows, rows, CHUNK):
        size = min(CHUNK, rows - first)
        chunk = files.write_valid(universe_file, work / f"chunk-{first}.csv", first, size)
        result = measured("ingest", partial, chunk)
        chunk.unlink()
        if result["new"] != size:
            raise RuntimeError(f"building the {rows:,}-row store: {result['message']}")
        print(f"    {first + size:>12,} rows stored ({result['seconds']:.1f} s for this chunk)", flush=True)
    seconds = earlier + time.perf_counter() - start
    partial.rename(path)
    meta.write_text(json.dumps({"rows": rows, "seconds": seconds, "date": time.strftime("%Y-%m-%d")}))
    extended = f", extending the cached {start_rows:,}-row store" if start_rows else ""
    return path, f"built in {seconds:.0f} s in all{extended}"
