"""Benchmark of the verification engine against huggingface_hub's own verifier and serial hashlib.

Builds a model folder (several shards of a few hundred MB plus small files, and one single large
file), serves its manifest from the stand-in Hub, and prints ratios measured in the same run:

    python bench/verify_bench.py [--scale 1.0] [--workers 2] [--repeat 1] [--keep DIR]
    python bench/verify_bench.py --scan [--scale 1.0] [--repeat 3]
    python bench/verify_bench.py --e2e [--skip-engine] [--e2e-scale 1.0]

With --scan (issue 16) it measures file scanning instead: verification with and without scanning on
a safetensors model (target: at most 5 % slower), and the peak memory of scanning a PyTorch zip
archive of about 1.5 GB (target: under 100 MB; scanning reads only its data.pkl).

With --e2e it also measures what users run (issue 18), each command as a whole process, best of 3, in
the same run against the same stand-in Hub, with the page cache warmed the same way before every timing:
`manage.py verify_model ... --json` against `hf cache verify --local-dir` on 4 x 512 MB + small files
and on one 2 GB file; the start-up of both (`--help`); and the re-verification of an unchanged 2 GB
deployment against its first verification (the run itself, as a worker does it, and the whole
`verify_deployment` process). Targets: multi-file >= 1.5x faster than hf, single file <= 1.10x hf's
time, start-up <= 1.5x hf's, re-verification >= 20x faster, peak RSS < 100 MB.


Targets (issue 3): multi-file >= 1.7x faster than HfApi.verify_repo_checksums on 2 cores, within
10 % of serial hashlib on a single file, peak memory < 100 MB. Our verification runs in a child
process so that its peak RSS (VmHWM) is its own; the figure includes Django and huggingface_hub.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def write_random(path: Path, size: int, seed: int) -> None:
    """Incompressible-looking content without paying for os.urandom on every byte."""
    block = bytearray(os.urandom(8 * MB))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        written = 0
        while written < size:
            block[:8] = (seed * 1_000_003 + written).to_bytes(8, "little")
            chunk = memoryview(block)[: min(len(block), size - written)]
            stream.write(chunk)
            written += len(chunk)


def build(base: Path, scale: float) -> dict[str, Path]:
    shard = max(1, int(300 * MB * scale))
    single = max(1, int(1500 * MB * scale))
    multi = base / "multi"
    for i in range(4):
        write_random(multi / f"model-0000{i + 1}-of-00004.safetensors", shard, seed=i)
    (multi / "config.json").write_text(json.dumps({"hidden_size": 4096, "num_layers": 32}))
    write_random(multi / "tokenizer.json", 9 * MB, seed=10)
    write_random(base / "single" / "model.safetensors", single, seed=20)
    return {"multi": multi, "single": base / "single"}


def serial_hashlib(folder: Path, manifest) -> float:
    started = time.perf_counter()
    for entry in manifest:
        with (folder / entry.path).open("rb") as stream:
            if entry.sha256:
                hashlib.file_digest(stream, "sha256").hexdigest()
            else:
                hasher = hashlib.sha1(b"blob %d\0" % entry.size)
                while chunk := stream.read(MB):
                    hasher.update(chunk)
    return time.perf_counter() - started


OURS = """
import json, os, resource, sys, time
import django
django.setup()
from compliance.engine import verify_folder
from compliance.hashing import confine, scan
from compliance.hub import HubClient

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
client = HubClient()
client.model(sys.argv[1], revision=sys.argv[2])  # warm the HTTP session, as a long-lived worker's is
baseline = rss("VmRSS")
started = time.perf_counter()
model = client.model(sys.argv[1], revision=sys.argv[2])
folder = confine(sys.argv[3], repo_id=model.repo_id, commit=model.commit)
report = verify_folder(folder, scan(folder), model.files, workers=int(sys.argv[4]))
seconds = time.perf_counter() - started
assert report.all_ok, report.summary
print(json.dumps({"seconds": seconds, "peak": rss("VmHWM"), "baseline": baseline, "bytes": report.bytes_hashed}))
"""


def ours(repo_id: str, commit: str, folder: Path, workers: int, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", OURS, repo_id, commit, str(folder), str(workers)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def hf_verify(api, repo_id: str, commit: str, folder: Path) -> float:
    started = time.perf_counter()
    result = api.verify_repo_checksums(repo_id, revision=commit, local_dir=folder)
    seconds = time.perf_counter() - started
    assert not result.mismatches and not result.missing_paths, result
    return seconds


E2E_BEST_OF = 3
HF_CLI = Path(sys.executable).with_name("hf")


def build_e2e(base: Path, scale: float) -> dict[str, Path]:
    """4 x 512 MB shards plus small files, and one 2 GB file (times the scale)."""
    shard, single = max(1, int(512 * MB * scale)), max(1, int(2048 * MB * scale))
    multi = base / "e2e-multi"
    for i in range(4):
        # Valid safetensors files (a header, then the tensor bytes): the command scans them as users' would be.
        write_safetensors(multi / f"model-0000{i + 1}-of-00004.safetensors", shard, seed=100 + i)
    (multi / "config.json").write_text(json.dumps({"hidden_size": 4096, "num_layers": 32}))
    (multi / "generation_config.json").write_text(json.dumps({"do_sample": True}))
    write_random(multi / "tokenizer.json", 9 * MB, seed=110)
    write_safetensors(base / "e2e-single" / "model.safetensors", single, seed=120)
    return {"multi": multi, "single": base / "e2e-single"}


def warm(folder: Path) -> None:
    """Read every file once, so that each timed command starts with the files in the page cache."""
    buffer = bytearray(8 * MB)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with path.open("rb", buffering=0) as stream:
                while stream.readinto(buffer):
                    pass


CPU_SECONDS: dict[str, list[float]] = {}


def timed_process(
    argv: list[str], env: dict, *, expect: tuple[int, ...] = (0,), tag: str = ""
) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes (the process's own, from wait4) and standard output of one process.

    Its CPU seconds (user + system, all threads) are kept under `tag`: on a shared machine the wall time
    depends on the others' load, the CPU time much less."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if tag:
            CPU_SECONDS.setdefault(tag, []).append(usage.ru_utime + usage.ru_stime)
        out.seek(0)
        err.seek(0)
        if process.returncode not in expect:
            raise RuntimeError(f"{argv[:4]} exited {process.returncode}: {err.read().decode()[-2000:]}")
        return seconds, usage.ru_maxrss * 1024, out.read().decode()


def e2e_compare(folders: dict[str, Path], commits: dict[str, str], env: dict) -> dict[str, tuple[float, float]]:
    """Our verify_model against hf cache verify, both as processes, alternating, best of E2E_BEST_OF."""
    figures = {}
    for name, folder in folders.items():
        repo = f"bench/e2e-{name}"
        ours_argv = [sys.executable, "manage.py", "verify_model", repo, "--revision", commits[name]]
        ours_argv += ["--path", str(folder), "--json"]
        hf_argv = [str(HF_CLI), "cache", "verify", repo, "--revision", commits[name], "--local-dir", str(folder)]
        ours_times, hf_times = [], []
        for _ in range(E2E_BEST_OF):
            warm(folder)
            seconds, _, out = timed_process(ours_argv, env, tag=f"ours-{name}")
            assert json.loads(out)["summary"]["ok"] == len(list(folder.rglob("*.*"))), out[-500:]
            ours_times.append(seconds)
            warm(folder)
            seconds, _, out = timed_process(hf_argv, env, tag=f"hf-{name}")
            hf_times.append(seconds)
        figures[name] = (min(ours_times), min(hf_times))
        total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(
            f"e2e {name:6} {total / MB:,.0f} MB: verify_model {min(ours_times):.2f}s "
            f"(runs {', '.join(f'{t:.2f}' for t in ours_times)}), hf cache verify {min(hf_times):.2f}s "
            f"(runs {', '.join(f'{t:.2f}' for t in hf_times)}), load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    return figures


def e2e_startup(env: dict, repeat: int = 5) -> tuple[float, float]:
    ours_argv = [sys.executable, "manage.py", "verify_model", "--help"]
    hf_argv = [str(HF_CLI), "cache", "verify", "--help"]
    ours = min(timed_process(ours_argv, env, tag="ours-help")[0] for _ in range(repeat))
    hf = min(timed_process(hf_argv, env, tag="hf-help")[0] for _ in range(repeat))
    print(f"start-up (--help, best of {repeat}): verify_model {ours:.2f}s, hf cache verify {hf:.2f}s", flush=True)
    return ours, hf


REVERIFY = """
import json, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from compliance.models import VerificationRun
from compliance.verification import verification_execute, verification_start
from tests.factories import DeploymentFactory, ModelVersionFactory, OfferingFactory

repo, commit, folder = sys.argv[1:4]
offering = OfferingFactory(allowed_licenses=["apache-2.0"])
version = ModelVersionFactory(offering=offering, repo_id=repo, revision=commit, declared_license="apache-2.0")
deployment = DeploymentFactory(model_version=version, storage_path=folder)

def verify(full=False):
    started = time.perf_counter()
    run = verification_start(deployment=deployment, requested_by=None, full=full)
    run = verification_execute(run_id=run.pk, fan_out=False)
    seconds = time.perf_counter() - started
    assert run.status == VerificationRun.Status.PASSED, (run.status, run.error_message)
    return {"seconds": seconds, "hashed": run.files_hashed, "trusted": run.count_trusted, "bytes": run.bytes_done}

first = verify()
again = [verify() for _ in range(3)]
full = [verify(full=True) for _ in range(2)]
print(json.dumps({"deployment": deployment.pk, "first": first, "again": again, "full": full}))
"""


def e2e_reverify(folder: Path, repo: str, commit: str, env: dict) -> tuple[float, float, float, float]:
    """The first verification of a deployment, then re-verifications of it unchanged: in a warm process (as a
    worker runs them) and as whole `verify_deployment` processes."""
    warm(folder)
    out = subprocess.run(
        [sys.executable, "-c", REVERIFY, repo, commit, str(folder)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    first, again = result["first"], min(result["again"], key=lambda r: r["seconds"])
    full = min(r["seconds"] for r in result["full"])
    assert again["hashed"] == 0 and again["bytes"] == 0, again
    argv = [sys.executable, "manage.py", "verify_deployment", str(result["deployment"]), "--json"]
    warm(folder)
    process_full = min(timed_process([*argv, "--full"], env)[0] for _ in range(E2E_BEST_OF))
    process_again = min(timed_process(argv, env)[0] for _ in range(E2E_BEST_OF))
    print(
        f"re-verify {repo}: run (in a worker's process) first {first['seconds']:.3f}s "
        f"({first['hashed']} file hashed), full hash {full:.3f}s, unchanged {again['seconds']:.3f}s "
        f"({again['trusted']} trusted); whole verify_deployment process: --full {process_full:.2f}s, "
        f"unchanged {process_again:.2f}s; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return first["seconds"], again["seconds"], process_full, process_again


def e2e(base: Path, scale: float, hub, env: dict) -> None:
    from tests.standin_hub import HubFile

    print(f"building the end-to-end folders in {base} (scale {scale}) ...", flush=True)
    folders = build_e2e(base, scale)
    commits = {}
    for name, folder in folders.items():
        files = [HubFile.from_file(p.relative_to(folder).as_posix(), p) for p in sorted(folder.rglob("*"))]
        commits[name] = hub.publish(f"bench/e2e-{name}", files, license="apache-2.0")
    env = dict(env, REGISTRY_VAR_DIR=str(base / "e2e-var"), HF_HUB_DISABLE_TELEMETRY="1", HF_HOME=str(base / "hf"))
    start_ours, start_hf = e2e_startup(env)
    figures = e2e_compare(folders, commits, env)
    warm(folders["multi"])
    _, peak, _ = timed_process(
        [sys.executable, "manage.py", "verify_model", "bench/e2e-multi", "--revision", commits["multi"]]
        + ["--path", str(folders["multi"]), "--json"],
        env,
    )
    first, again, process_full, process_again = e2e_reverify(
        folders["single"], "bench/e2e-single", commits["single"], env
    )
    multi, single = figures["multi"], figures["single"]
    print()
    print(f"e2e multi-file: hf cache verify / verify_model = {multi[1] / multi[0]:.2f}x   (target >= 1.5x)")
    print(f"e2e single file: verify_model / hf cache verify = {single[0] / single[1]:.2f}   (target <= 1.10)")
    print(f"start-up: verify_model --help / hf cache verify --help = {start_ours / start_hf:.2f}   (target <= 1.5)")
    print(f"re-verify unchanged 2 GB: first run / unchanged run = {first / again:.0f}x   (target >= 20x)")
    print(f"re-verify, whole processes: verify_deployment --full / unchanged = {process_full / process_again:.2f}x")
    if peak:
        print(f"peak RSS of verify_model on the multi-file model: {peak / MB:.0f} MB   (target < 100 MB)")
    cpu = {tag: min(values) for tag, values in CPU_SECONDS.items()}
    print("CPU seconds (user + system, best): " + ", ".join(f"{tag} {cpu[tag]:.2f}" for tag in sorted(cpu)))
    print(f"CPU: verify_model --help / hf --help = {cpu['ours-help'] / cpu['hf-help']:.2f}")
    print(
        f"cores: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()} (a shared machine: figures are noisy)"
    )


SCAN_ONLY = """
import json, sys, time
import django
django.setup()
from compliance.scanning import scan_file
from pathlib import Path

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
baseline = rss("VmRSS")
started = time.perf_counter()
found = [scan_file(Path(p).parent, Path(p).name, path=Path(p).name) for p in sys.argv[1:]]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak": rss("VmHWM"), "baseline": baseline,
                  "verdicts": sorted({f.format + " " + f.verdict for f in found})}))
"""


def scan_only(paths: list[Path]) -> dict:
    """Scan the files alone in a child process: its time and peak RSS are scanning's own."""
    out = subprocess.run(
        [sys.executable, "-c", SCAN_ONLY, *map(str, paths)],
        env=dict(os.environ),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_safetensors(path: Path, size: int, seed: int) -> None:
    """A valid safetensors file of about `size` bytes: one U8 tensor after its header."""
    header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
    header += b" " * (-len(header) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.write(len(header).to_bytes(8, "little") + header)
    body = path.with_suffix(".body")
    write_random(body, size, seed)
    with path.open("ab") as stream, body.open("rb") as source:
        shutil.copyfileobj(source, stream, 8 * MB)
    body.unlink()


def write_torch_archive(path: Path, size: int, tensors: int = 400) -> None:
    """A PyTorch zip archive (stored members, zip64) of about `size` bytes with a state-dict data.pkl."""
    import zipfile

    from tests.compliance.model_files import state_dict_pickle

    storages = 8
    block = bytearray(os.urandom(8 * MB))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("archive/data.pkl", state_dict_pickle(tuple(f"layers.{i}.weight" for i in range(tensors))))
        for index in range(storages):
            with archive.open(f"archive/data/{index}", "w", force_zip64=True) as member:
                remaining = size // storages
                while remaining > 0:
                    chunk = memoryview(block)[: min(len(block), remaining)]
                    member.write(chunk)
                    remaining -= len(chunk)
        archive.writestr("archive/version", b"3\n")


def scan_bench(args, base: Path) -> None:
    """Verification with and without scanning (safetensors model), and scanning a big pickle archive alone."""
    from tests.standin_hub import HubFile, StandinHub

    # The archive first, scanned and deleted before the safetensors model is written: at most ~2 GB on disk.
    archive = base / "archive" / "consolidated.00.pth"
    archive.parent.mkdir(parents=True)
    write_torch_archive(archive, min(int(1900 * MB * args.scale), 1900 * MB))
    archive_size = archive.stat().st_size
    scanned = scan_only([archive])
    archive.unlink()
    shard = max(1, int(300 * MB * args.scale))
    model = base / "scanned"
    for i in range(4):
        write_safetensors(model / f"model-0000{i + 1}-of-00004.safetensors", shard, seed=i)
    (model / "config.json").write_text(json.dumps({"hidden_size": 4096}))
    hub = StandinHub().start()
    files = [HubFile.from_file(p.relative_to(model).as_posix(), p) for p in sorted(model.rglob("*"))]
    commit = hub.publish("bench/scanned", files, license="apache-2.0")
    total = sum(f.size for f in files)
    timings = {"false": [], "true": []}
    # Alternate with and without, so that a burst of load on the shared machine hits both alike.
    for _ in range(max(args.repeat, 3)):
        for scanning in ("false", "true"):
            env = dict(os.environ, HF_ENDPOINT=hub.url, VERIFY_SCAN_FILES=scanning)
            timings[scanning].append(ours("bench/scanned", commit, model, args.workers, env)["seconds"])
    hub.stop()
    timings = {key: min(values) for key, values in timings.items()}
    model_scan = min((scan_only(sorted(model.glob("*"))) for _ in range(3)), key=lambda r: r["seconds"])
    print(f"safetensors model, {len(files)} files, {total / MB:,.0f} MB:")
    print(
        f"  verification without scanning {timings['false']:.2f}s, with scanning {timings['true']:.2f}s "
        f"(best of {max(args.repeat, 3)})"
    )
    print(f"  with / without scanning = {timings['true'] / timings['false']:.3f}   (target <= 1.05)")
    print(
        f"  scanning the same files alone: {model_scan['seconds'] * 1000:.1f} ms "
        f"= {model_scan['seconds'] / timings['false']:.2%} of the verification without scanning"
    )
    print(f"pickle archive {archive_size / MB:,.0f} MB: {', '.join(scanned['verdicts'])} in {scanned['seconds']:.2f}s")
    print(
        f"  peak RSS of the scanning process {scanned['peak'] / MB:.0f} MB "
        f"(baseline {scanned['baseline'] / MB:.0f} MB)   (target < 100 MB)"
    )
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f} (a shared machine: figures are noisy)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply file sizes (1.0: 4x300 MB + 1.5 GB)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=1, help="keep the best of N timings of each method")
    parser.add_argument("--keep", help="build the folder here and keep it")
    parser.add_argument("--scan", action="store_true", help="measure file scanning instead (issue 16)")
    parser.add_argument("--e2e", action="store_true", help="also compare whole processes with hf cache verify")
    parser.add_argument("--e2e-scale", type=float, default=1.0, help="multiply the end-to-end sizes (4x512 MB, 2 GB)")
    parser.add_argument("--skip-engine", action="store_true", help="skip the in-process engine comparison")
    args = parser.parse_args()
    if args.scan:
        base = Path(tempfile.mkdtemp(prefix="scan-bench-"))
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            SECRET_KEY="bench-only",
            HF_HUB_DISABLE_TELEMETRY="1",
            REGISTRY_VAR_DIR=str(base / "var"),
            MODEL_ROOTS=str(base),
        )
        try:
            scan_bench(args, base)
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="verify-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="bench-only",
        HF_HUB_DISABLE_TELEMETRY="1",
        REGISTRY_VAR_DIR=str(base / "var"),
        MODEL_ROOTS=str(base),
    )
    from huggingface_hub import HfApi

    from compliance.hub import ManifestFile
    from tests.standin_hub import HubFile, StandinHub

    try:
        hub = StandinHub().start()
        env = dict(os.environ, HF_ENDPOINT=hub.url)
        if args.e2e:
            e2e(base, args.e2e_scale, hub, env)
        if args.skip_engine:
            hub.stop()
            return
        print(f"building the model folders in {base} (scale {args.scale}) ...", flush=True)
        folders = build(base, args.scale)
        api = HfApi(endpoint=hub.url)
        commits, manifests = {}, {}
        for name, folder in folders.items():
            files = [HubFile.from_file(p.relative_to(folder).as_posix(), p) for p in sorted(folder.rglob("*"))]
            commits[name] = hub.publish(f"bench/{name}", files, license="apache-2.0")
            manifests[name] = [
                ManifestFile(f.path, f.size, f.sha256 or "", "" if f.sha256 else f.blob_id) for f in files
            ]
        api.model_info("bench/multi", timeout=30)  # warm the HTTP session, as the child process does its own
        figures = {}
        for name, folder in folders.items():
            total = sum(f.size for f in manifests[name])
            serial = min(serial_hashlib(folder, manifests[name]) for _ in range(args.repeat))
            runs = [ours(f"bench/{name}", commits[name], folder, args.workers, env) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            peak = max(r["peak"] for r in runs)
            hf = min(hf_verify(api, f"bench/{name}", commits[name], folder) for _ in range(args.repeat))
            one = min(ours(f"bench/{name}", commits[name], folder, 1, env)["seconds"] for _ in range(args.repeat))
            figures[name] = (total, best, serial, hf, peak, one)
            print(
                f"{name:6} {len(manifests[name])} files, {total / MB:,.0f} MB: ours {best['seconds']:.2f}s "
                f"({total / MB / best['seconds']:,.0f} MB/s), verify_repo_checksums {hf:.2f}s, "
                f"serial hashlib {serial:.2f}s, "
                f"peak RSS {peak / MB:.0f} MB (baseline {best['baseline'] / MB:.0f} MB)"
            )
        multi, single = figures["multi"], figures["single"]
        print()
        print(f"multi-file: verify_repo_checksums / ours = {multi[3] / multi[1]['seconds']:.2f}x   (target >= 1.7x)")
        print(f"multi-file: serial hashlib / ours        = {multi[2] / multi[1]['seconds']:.2f}x")
        print(f"multi-file: ours 1 thread / ours {args.workers} threads = {multi[5] / multi[1]['seconds']:.2f}x")
        print(f"single file: ours / serial hashlib       = {single[1]['seconds'] / single[2]:.2f}   (target <= 1.10)")
        print(f"single file: verify_repo_checksums / ours = {single[3] / single[1]['seconds']:.2f}x")
        peak = max(multi[4], single[4])
        print(f"peak memory of our verification process: {peak / MB:.0f} MB   (target < 100 MB)")
        print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f} (a shared machine: figures are noisy)")
        hub.stop()
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
