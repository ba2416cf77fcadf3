"""Confinement to MODEL_ROOTS and the safe walk: links, special files and absurd trees are never read."""

import hashlib
import os
import socket
import time

import pytest

from compliance.engine import Progress, compare, hash_all
from compliance.hashing import (
    CHUNK_SIZE,
    READ_BUFFER_BUDGET,
    FolderRefused,
    chunk_size_for,
    confine,
    git_blob_sha1,
    hash_file,
    open_beneath,
    scan,
)
from compliance.hub import ManifestFile
from tests.compliance.conftest import write_tree


def test_git_blob_sha1_matches_git():
    assert git_blob_sha1(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


@pytest.mark.parametrize("read_ahead", [False, True])
def test_streamed_hashes_match_hashlib(model_root, read_ahead):
    data = os.urandom(3 * 1024 * 1024 + 17)
    write_tree(model_root, {"w.safetensors": data})
    seen = []
    options = {"chunk_size": 1024 * 1024, "read_ahead": read_ahead}

    sha256 = hash_file(
        model_root, "w.safetensors", algorithm="sha256", expected_size=len(data), on_bytes=seen.append, **options
    )
    sha1 = hash_file(model_root, "w.safetensors", algorithm="git-sha1", expected_size=len(data), **options)

    assert sha256.hexdigest == hashlib.sha256(data).hexdigest()
    assert sha1.hexdigest == git_blob_sha1(data)
    assert sum(seen) == len(data) and max(seen) <= 1024 * 1024 and len(seen) == 4


@pytest.mark.parametrize("workers", [1, 2, 4, 16, 64, 256])
def test_the_read_buffers_stay_within_budget_whatever_the_thread_count(workers):
    chunk = chunk_size_for(workers)

    assert chunk * 2 * workers <= READ_BUFFER_BUDGET
    assert chunk == CHUNK_SIZE or workers > 4


@pytest.mark.parametrize("path", ["relative/path", "/etc", "/tmp/../etc", "with\x00nul"])
def test_paths_outside_the_roots_or_malformed_are_refused(model_root, path):
    with pytest.raises(FolderRefused):
        confine(path)


def test_a_dot_dot_path_that_leaves_the_root_is_refused(model_root, tmp_path):
    (tmp_path / "other").mkdir()

    with pytest.raises(FolderRefused, match="outside"):
        confine(f"{model_root}/../other")


def test_a_root_symlinked_elsewhere_is_judged_by_its_real_path(model_root, tmp_path):
    (tmp_path / "other").mkdir()
    (model_root / "sneaky").symlink_to(tmp_path / "other")

    with pytest.raises(FolderRefused, match="outside"):
        confine(str(model_root / "sneaky"))


def test_links_and_special_files_are_reported_never_read(model_root, tmp_path):
    folder = write_tree(model_root / "m", {"ok.json": b"{}", "sub/inner.txt": b"x"})
    (folder / "passwd.json").symlink_to("/etc/passwd")
    (folder / "zero.bin").symlink_to("/dev/zero")
    (folder / "other-agency").symlink_to(tmp_path)
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "inside.json").symlink_to(folder / "ok.json")
    os.mkfifo(folder / "fifo.bin")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock"))

    listing = scan(confine(str(folder)))

    sock.close()
    assert set(listing.files) == {"ok.json", "sub/inner.txt", "inside.json"}
    assert set(listing.refused) == {"passwd.json", "zero.bin", "other-agency", "loop", "fifo.bin", "sock"}
    assert "leaving" in listing.refused["passwd.json"] and "FIFO" in listing.refused["fifo.bin"]


def test_a_cache_snapshot_link_leaving_the_repo_folder_is_refused(model_root, tmp_path):
    repo = model_root / "models--org--m"
    snapshot = repo / "snapshots" / ("a" * 40)
    write_tree(repo / "blobs", {"good": b"{}"})
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").symlink_to("../../blobs/good")
    write_tree(model_root / "models--org--other" / "blobs", {"theirs": b"secret"})
    (snapshot / "stolen.json").symlink_to("../../../models--org--other/blobs/theirs")

    folder = confine(str(repo), commit="a" * 40)
    listing = scan(folder)

    assert folder.rel == f"models--org--m/snapshots/{'a' * 40}"
    assert set(listing.files) == {"config.json"} and listing.files["config.json"].source == "models--org--m/blobs/good"
    assert "leaving" in listing.refused["stolen.json"]


def test_absurd_trees_are_refused(model_root, settings):
    deep = model_root / "deep"
    deep.joinpath(*["d"] * 6).mkdir(parents=True)
    wide = write_tree(model_root / "wide", {f"f{i}.txt": b"" for i in range(30)})

    with pytest.raises(FolderRefused, match="deeper"):
        scan(confine(str(deep)), max_depth=4)
    with pytest.raises(FolderRefused, match="more than 20 files"):
        scan(confine(str(wide)), max_files=20)


def test_a_sparse_file_of_the_wrong_size_is_judged_by_size_without_reading(model_root):
    folder = model_root / "m"
    folder.mkdir()
    with open(folder / "big.safetensors", "wb") as stream:
        stream.truncate(200 * 1024**3)
    manifest = [ManifestFile("big.safetensors", 1024, sha256="0" * 64)]

    outcomes, to_hash = compare(scan(confine(str(folder))), manifest)

    assert to_hash == [] and outcomes[0].status == "mismatch" and "size" in outcomes[0].detail


def test_a_folder_swapped_for_a_symlink_after_listing_is_not_followed(model_root, tmp_path):
    folder = write_tree(model_root / "m", {"sub/w.bin": b"weights"})
    listing = scan(confine(str(folder)))
    write_tree(tmp_path / "evil", {"w.bin": b"weights"})
    os.rename(folder / "sub", folder / "sub-old")
    (folder / "sub").symlink_to(tmp_path / "evil")
    entry = ManifestFile("sub/w.bin", 7, git_sha1=git_blob_sha1(b"weights"))

    outcomes = hash_all(confine(str(folder)), listing, [entry], workers=1, progress=Progress(7, 1))

    assert outcomes[0].status == "refused" and outcomes[0].actual == ""
    with pytest.raises(OSError):
        open_beneath(model_root, "m/sub/w.bin")


def test_hashing_stops_when_the_caller_gives_up(model_root):
    from celery.exceptions import SoftTimeLimitExceeded

    data = os.urandom(16 * 1024 * 1024)
    folder = write_tree(model_root / "m", {f"w{i}.safetensors": data for i in range(4)})
    entries = [ManifestFile(f"w{i}.safetensors", len(data), sha256="0" * 64) for i in range(4)]
    progress = Progress(4 * len(data), 4)

    def time_is_up(progress):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        hash_all(
            confine(str(folder)),
            scan(confine(str(folder))),
            entries,
            workers=1,
            progress=progress,
            on_tick=time_is_up,
            tick_seconds=0,
        )

    assert progress.cancelled.is_set()
    done = progress.bytes_done
    time.sleep(0.2)
    assert progress.bytes_done == done < 4 * len(data)


def test_a_read_limit_spreads_the_hashing_over_time(model_root, settings):
    settings.VERIFY_READ_BYTES_PER_SECOND = 4 * 1024 * 1024
    data = os.urandom(3 * 1024 * 1024)
    folder = write_tree(model_root / "m", {f"w{i}.safetensors": data for i in range(2)})
    entries = [ManifestFile(f"w{i}.safetensors", len(data), sha256=hashlib.sha256(data).hexdigest()) for i in range(2)]

    started = time.monotonic()
    outcomes = hash_all(confine(str(folder)), scan(confine(str(folder))), entries, workers=2)
    elapsed = time.monotonic() - started

    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert elapsed >= 1.4  # 6 MB at 4 MB/s: 1.5 s
