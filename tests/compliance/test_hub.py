"""The Hub client against the stand-in Hub, over real HTTP with the real huggingface_hub."""

import hashlib
import time

import pytest

from compliance.hub import (
    GatedOrDisabled,
    HubClient,
    HubTimeout,
    HubUnavailable,
    InvalidRepoId,
    RateLimited,
    RepoNotFound,
    RevisionNotFound,
)
from tests.standin_hub import git_blob_sha1


def test_it_reads_the_commit_the_manifest_and_the_license(hub, small_model):
    commit = hub.publish("meta-llama/Tiny", small_model, license="llama3.1")

    model = HubClient().model("meta-llama/Tiny", revision="main")

    assert model.commit == commit
    files = {f.path: f for f in model.files}
    assert set(files) == set(small_model)
    shard = files["model-00001-of-00002.safetensors"]
    assert shard.is_lfs and shard.sha256 == hashlib.sha256(small_model[shard.path]).hexdigest()
    assert files["config.json"].git_sha1 == git_blob_sha1(small_model["config.json"])
    assert files["config.json"].size == len(small_model["config.json"])
    assert model.license.ids == ("llama3.1",)
    assert any("blobs=true" in r for r in hub.requests)


def test_it_asks_for_the_exact_commit_when_given_one(hub, small_model):
    first = hub.publish("org/m", small_model)
    hub.publish("org/m", {"config.json": b"{}"})

    model = HubClient().model("org/m", revision=first)

    assert model.commit == first and len(model.files) == len(small_model)


def test_a_license_list_and_the_tag_fallback_and_other(hub):
    hub.publish("org/listed", {"a.txt": b"a"}, license=["MIT", "apache-2.0"])
    hub.publish("org/tagged", {"a.txt": b"a"}, license=None, tags=["license:gemma", "text-generation"])
    hub.publish("org/other", {"a.txt": b"a"}, license="other", license_name="acme-community-license")

    client = HubClient()

    assert client.model("org/listed").license.ids == ("mit", "apache-2.0")
    assert client.model("org/tagged").license.ids == ("gemma",)
    other = client.model("org/other").license
    assert other.ids == ("other",) and other.name == "acme-community-license"
    assert other.label == "other:acme-community-license"


def test_a_gated_repo_still_gives_its_metadata_without_a_token(hub, small_model):
    hub.publish("meta-llama/Gated", small_model, license="llama3.1", gated="manual")

    model = HubClient().model("meta-llama/Gated")

    assert model.gated == "manual" and len(model.files) == len(small_model)


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda hub: None, RepoNotFound),
        (lambda hub: hub.publish("org/m", {"a": b"a"}, branch="dev"), RevisionNotFound),
        (lambda hub: (hub.publish("org/m", {"a": b"a"}), hub.disable("org/m")), GatedOrDisabled),
        (lambda hub: hub.fail_next(401, code="GatedRepo", message="Access restricted"), GatedOrDisabled),
    ],
    ids=["repo-not-found", "revision-not-found", "disabled", "gated-refused"],
)
def test_hub_refusals_become_domain_errors_without_retrying(hub, setup, error):
    setup(hub)
    before = len(hub.requests)

    with pytest.raises(error):
        HubClient().model("org/m", revision="main")

    assert len(hub.requests) - before == 1


def test_a_429_is_retried_after_retry_after_then_succeeds(hub):
    hub.publish("org/m", {"a.txt": b"a"})
    hub.fail_next(429, retry_after="1")
    started = time.monotonic()

    model = HubClient(retries=2, backoff=0.01).model("org/m")

    assert model.files[0].path == "a.txt"
    assert time.monotonic() - started >= 1.0
    assert len(hub.requests) == 2


def test_a_429_asking_for_longer_than_our_bound_is_not_waited_for(hub):
    hub.publish("org/m", {"a.txt": b"a"})
    hub.fail_next(429, retry_after="3600")

    with pytest.raises(RateLimited) as caught:
        HubClient(retries=3, max_wait=5).model("org/m")

    assert caught.value.retry_after == 3600 and len(hub.requests) == 1


def test_5xx_is_retried_then_given_up(hub):
    hub.publish("org/m", {"a.txt": b"a"})
    hub.fail_next(503, times=2)
    assert HubClient(retries=2, backoff=0.01).model("org/m").commit

    hub.fail_next(500, times=5)
    with pytest.raises(HubUnavailable) as caught:
        HubClient(retries=2, backoff=0.01).model("org/m")

    assert "500" in str(caught.value) and caught.value.request_id.startswith("Root=1-")


def test_a_hub_that_never_answers_times_out(hub):
    hub.publish("org/m", {"a.txt": b"a"})
    hub.hang = True
    started = time.monotonic()

    with pytest.raises(HubTimeout):
        HubClient(timeout=0.3, retries=1, backoff=0.01).model("org/m")

    assert time.monotonic() - started < 5


@pytest.mark.parametrize("repo_id", ["../../api/whoami", "org/m?x=1", "org", "org/m/extra", "org/..", "/etc/passwd"])
def test_a_malformed_repo_id_is_refused_before_any_call(hub, repo_id):
    with pytest.raises(InvalidRepoId):
        HubClient().model(repo_id)

    assert hub.requests == []


def test_a_429_with_a_ratelimit_header_waits_for_its_reset(hub):
    hub.publish("org/m", {"a.txt": b"a"})
    hub.fail_next(429, headers={"RateLimit": '"api";r=0;t=1', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})
    started = time.monotonic()

    HubClient(retries=1, backoff=0.01).model("org/m")

    assert time.monotonic() - started >= 1.0 and len(hub.requests) == 2


def test_the_stand_in_pages_the_tree_that_huggingface_hubs_own_verifier_reads(hub, tmp_path, small_model):
    from huggingface_hub import HfApi

    from tests.compliance.conftest import write_tree

    commit = hub.publish("org/m", small_model)
    hub.tree_page_size = 2
    folder = write_tree(tmp_path / "m", small_model)
    (folder / "tokenizer.json").write_bytes(b"changed")

    result = HfApi(endpoint=hub.url).verify_repo_checksums("org/m", revision=commit, local_dir=folder)

    assert result.checked_count == len(small_model)
    assert [m["path"] for m in result.mismatches] == ["tokenizer.json"]
    assert sum("/tree/" in r for r in hub.requests) >= 3


def test_it_reads_the_hubs_own_scan_of_each_file_from_the_expanded_tree(hub, small_model):
    from tests.standin_hub import pickle_scan_status

    files = {**small_model, "pytorch_model.bin": b"\x80\x02."}
    status = pickle_scan_status(
        "unsafe", [("collections", "OrderedDict", "innocuous"), ("posix", "system", "dangerous")]
    )
    commit = hub.publish("org/m", files, security={"pytorch_model.bin": status})

    statuses = HubClient().file_security("org/m", commit=commit)

    assert statuses["pytorch_model.bin"] == {
        "status": "unsafe",
        "virus_found": False,
        "pickle": "dangerous",
        "dangerous_imports": ["posix.system"],
    }
    assert statuses["config.json"]["status"] == "safe"
    assert any("expand=" in r.lower() and "/tree/" in r for r in hub.requests), hub.requests
