"""Supply chain end to end: malicious and genuine files through verify_model and runs, the policy and its
exceptions, publisher signatures (key and certificate chain) and the registry's own signature."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from model_signing import signing

from compliance.models import VerificationRun
from compliance.signatures import registry_public_key_pem
from compliance.supply_chain import scan_exception_grant, scan_exception_revoke, signature_trust_set
from compliance.tasks import verification_run_task
from compliance.verification import verification_start
from core.errors import PermissionRefused
from core.models import AuditEvent
from tests.compliance import model_files as m
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory, gsa_officer

pytestmark = pytest.mark.django_db
CONFIG = b'{"architectures": ["LlamaForCausalLM"]}\n'


def verify(*args, capsys):
    try:
        call_command("verify_model", *args, "--json")
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    except CommandError as error:
        return error.returncode, str(error)
    out, _ = capsys.readouterr()
    return code, json.loads(out)


# Deployments' folders lie inside their agency's own model root (MODEL_ROOTS/<ABBREVIATION>/).
SCAN_AGENCY = "SCAN"


def scan_agency():
    from agencies.models import Agency

    return Agency.objects.filter(abbreviation=SCAN_AGENCY).first() or AgencyFactory(abbreviation=SCAN_AGENCY)


def publish_and_write(hub, model_root, repo_id, files):
    hub.publish(repo_id, files, license="apache-2.0")
    return write_tree(model_root / SCAN_AGENCY / repo_id.replace("/", "--"), files)


@pytest.mark.parametrize(
    ("name", "data", "fmt", "verdict"),
    [
        ("evil.pkl", m.os_system_pickle(), "pickle", "unsafe"),
        ("pytorch_model.bin", m.torch_zip(m.os_system_pickle()), "pytorch-zip", "unsafe"),
        ("obfuscated.pt", m.blocklist_bypass_pickle(), "pickle", "unsafe"),
        ("embeddings.npy", m.numpy_object_array(), "numpy", "unsafe"),
        ("model.safetensors", m.safetensors_file(lie_end=1 << 40), "safetensors", "unsafe"),
        ("pytorch_model.bin", m.torch_zip(m.state_dict_pickle()), "pytorch-zip", "safe"),
        ("model.safetensors", m.safetensors_file(), "safetensors", "safe"),
    ],
)
def test_verify_model_gives_each_file_its_verdict_and_fails_on_unsafe(
    hub, model_root, capsys, name, data, fmt, verdict
):
    folder = publish_and_write(hub, model_root, "acme/one", {"config.json": CONFIG, name: data})

    code, result = verify("acme/one", "--revision", "main", "--path", str(folder), capsys=capsys)

    entry = next(f for f in result["files"] if f["path"] == name)
    assert entry["status"] == "ok"
    assert (entry["format"], entry["scan"]["verdict"]) == (fmt, verdict)
    assert result["summary"]["unsafe"] == (1 if verdict == "unsafe" else 0)
    assert code == (1 if verdict == "unsafe" else 0)


def test_pickle_weights_beside_safetensors_fail_until_gsa_records_an_exception(hub, model_root, capsys):
    files = {
        "model.safetensors": m.safetensors_file(),
        "original/consolidated.00.pth": m.torch_zip(m.state_dict_pickle()),
    }
    folder = publish_and_write(hub, model_root, "meta-llama/Both", files)
    mv = ModelVersionFactory(repo_id="meta-llama/Both", revision="main", declared_license="apache-2.0")
    args = ("meta-llama/Both", "--revision", "main", "--path", str(folder))

    refused_code, refused = verify(*args, capsys=capsys)
    mv.pinned_sha = hub.repos["meta-llama/Both"].refs["main"]
    mv.save()
    exception = scan_exception_grant(model_version=mv, reason="Meta's reference checkpoint", granted_by=gsa_officer())
    excepted_code, excepted = verify(*args, capsys=capsys)

    pth = next(f for f in refused["files"] if f["path"] == "original/consolidated.00.pth")
    assert refused_code == 1 and pth["scan"]["verdict"] == "safe"
    assert "refused by policy: pickle-format weights" in pth["scan"]["detail"]
    assert excepted_code == 0
    assert (
        "excepted by GSA: Meta's reference checkpoint"
        in next(f for f in excepted["files"] if f["path"] == "original/consolidated.00.pth")["scan"]["detail"]
    )
    assert AuditEvent.objects.filter(action="scan_exception.granted", object_id=str(exception.pk)).exists()


def test_only_gsa_records_or_revokes_an_exception():
    mv = ModelVersionFactory(pinned_sha="a" * 40)
    deployment = DeploymentFactory(model_version=mv)

    with pytest.raises(PermissionRefused):
        scan_exception_grant(model_version=mv, reason="x", granted_by=deployment.created_by)
    exception = scan_exception_grant(model_version=mv, reason="reviewed", granted_by=gsa_officer())
    with pytest.raises(PermissionRefused):
        scan_exception_revoke(exception=exception, revoked_by=deployment.created_by)
    revoked = scan_exception_revoke(exception=exception, revoked_by=gsa_officer())

    assert revoked.revoked_at is not None
    assert AuditEvent.objects.filter(action="scan_exception.revoked").count() == 1


# -- publisher signatures -----------------------------------------------------------------------


def ec_key(folder: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


def model_files_signed(tmp_path: Path, sign) -> dict[str, bytes]:
    """A small model folder signed by the publisher with model_signing; returns its files, model.sig included."""
    source = tmp_path / "publisher"
    files = {"config.json": CONFIG, "model.safetensors": m.safetensors_of_size(4096)}
    write_tree(source, files)
    sign(source)
    return {**files, "model.sig": (source / "model.sig").read_bytes()}


def key_signer(private: Path):
    def sign(folder: Path) -> None:
        signing.Config().use_elliptic_key_signer(private_key=private).sign(folder, folder / "model.sig")

    return sign


def test_a_publisher_key_signature_verifies_and_is_cross_checked_with_the_hashes(hub, model_root, tmp_path, capsys):
    private, public = ec_key(tmp_path, "publisher")
    files = model_files_signed(tmp_path, key_signer(private))
    folder = publish_and_write(hub, model_root, "acme/signed", files)

    code, result = verify(
        "acme/signed", "--revision", "main", "--path", str(folder), "--signature-public-key", str(public), capsys=capsys
    )

    assert code == 0
    assert result["signature"]["present"] is True and result["signature"]["verified"] is True
    assert result["signature"]["signer"].startswith("key sha256:")


def test_a_wrong_key_fails(hub, model_root, tmp_path, capsys):
    private, _ = ec_key(tmp_path, "publisher")
    _, other = ec_key(tmp_path, "other")
    folder = publish_and_write(hub, model_root, "acme/signed", model_files_signed(tmp_path, key_signer(private)))

    code, result = verify(
        "acme/signed", "--revision", "main", "--path", str(folder), "--signature-public-key", str(other), capsys=capsys
    )

    assert code == 1
    assert result["signature"]["verified"] is False and "does not verify" in result["signature"]["detail"]


def test_a_file_changed_after_signing_fails_even_when_the_hub_publishes_it(hub, model_root, tmp_path, capsys):
    private, public = ec_key(tmp_path, "publisher")
    files = model_files_signed(tmp_path, key_signer(private))
    files["model.safetensors"] = m.safetensors_of_size(4096)  # same size, other bytes: the Hub has it, the sig not
    folder = publish_and_write(hub, model_root, "acme/signed", files)

    code, result = verify(
        "acme/signed", "--revision", "main", "--path", str(folder), "--signature-public-key", str(public), capsys=capsys
    )

    assert result["summary"]["mismatch"] == 0  # the checksums agree with the Hub
    assert code == 1
    assert result["signature"]["verified"] is False
    assert "model.safetensors: digest differs" in result["signature"]["detail"]


def test_a_signature_without_configured_trust_is_present_but_not_checked(hub, model_root, tmp_path, capsys):
    private, _ = ec_key(tmp_path, "publisher")
    folder = publish_and_write(hub, model_root, "acme/signed", model_files_signed(tmp_path, key_signer(private)))

    code, result = verify("acme/signed", "--revision", "main", "--path", str(folder), capsys=capsys)

    assert code == 0
    assert result["signature"]["present"] is True and result["signature"]["verified"] is None


def certificate_chain(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A root CA and a leaf code-signing certificate: (leaf key, leaf certificate, root certificate)."""
    now = dt.datetime.now(dt.UTC)

    def cert(subject, issuer, public_key, signing_key, *, ca: bool):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
        else:
            builder = builder.add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
            ).add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        return builder.sign(signing_key, hashes.SHA256())

    root_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = cert("Test Root CA", "Test Root CA", root_key.public_key(), root_key, ca=True)
    leaf = cert("Acme Model Signing", "Test Root CA", leaf_key.public_key(), root_key, ca=False)
    paths = tmp_path / "leaf.pem", tmp_path / "leaf.crt", tmp_path / "root.crt"
    paths[0].write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return paths


def test_a_certificate_signature_verifies_against_the_configured_chain(hub, model_root, tmp_path, capsys):
    leaf_key, leaf_cert, root = certificate_chain(tmp_path)

    def sign(folder: Path) -> None:
        signing.Config().use_certificate_signer(
            private_key=leaf_key, signing_certificate=leaf_cert, certificate_chain=[root]
        ).sign(folder, folder / "model.sig")

    folder = publish_and_write(hub, model_root, "acme/certified", model_files_signed(tmp_path, sign))
    mv = ModelVersionFactory(repo_id="acme/certified", revision="main", declared_license="apache-2.0")
    signature_trust_set(model_version=mv, actor=gsa_officer(), method="certificate", certificate_chain=root.read_text())
    (tmp_path / "other").mkdir()
    _, _, other_root = certificate_chain(tmp_path / "other")

    code, result = verify("acme/certified", "--revision", "main", "--path", str(folder), capsys=capsys)
    wrong_code, wrong = verify(
        "acme/certified",
        "--revision",
        "main",
        "--path",
        str(folder),
        "--signature-certificate-chain",
        str(other_root),
        capsys=capsys,
    )

    assert code == 0 and result["signature"]["verified"] is True
    assert "Acme Model Signing" in result["signature"]["signer"]
    assert wrong_code == 1 and wrong["signature"]["verified"] is False


# -- the registry's own signature ---------------------------------------------------------------


def model_signing_verify(signature: Path, public: Path, folder: Path) -> subprocess.CompletedProcess:
    """`model_signing verify key`, the package's own command, as a separate process."""
    command = Path(sys.executable).parent / "model_signing"
    return subprocess.run(
        [command, "verify", "key", "--signature", signature, "--public_key", public, folder],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def registry_key(tmp_path, settings):
    private, public = ec_key(tmp_path, "registry")
    settings.MODEL_SIGNING_KEY = str(private)
    return public


def verified_run(repo_id: str, folder: Path) -> VerificationRun:
    """A deployment of a new model version of `repo_id` at `folder`, verified by the task as a worker runs it."""
    mv = ModelVersionFactory(repo_id=repo_id, revision="main", declared_license="apache-2.0")
    deployment = DeploymentFactory(agency=scan_agency(), model_version=mv, storage_path=str(folder))
    run = verification_start(deployment=deployment, requested_by=deployment.created_by)
    verification_run_task.apply(args=[run.pk])
    run.refresh_from_db()
    return run


def test_a_passed_run_is_signed_by_the_registry_and_model_signing_verifies_the_folder(
    hub, model_root, tmp_path, registry_key
):
    files = {"config.json": CONFIG, "model.safetensors": m.safetensors_of_size(4096), ".gitattributes": b"*.st lfs\n"}
    folder = publish_and_write(hub, model_root, "acme/plain", files)

    run = verified_run("acme/plain", folder)
    signature = tmp_path / "registry.sig"
    public = tmp_path / "exported.pub"
    call_command(
        "export_manifest",
        "acme/plain",
        "--output",
        str(tmp_path / "manifest.json"),
        "--signature",
        str(signature),
        "--public-key",
        str(public),
    )
    checked = model_signing_verify(signature, public, folder)
    (folder / "config.json").write_bytes(b'{"architectures": ["Changed"]}\n')
    changed = model_signing_verify(signature, public, folder)

    assert run.status == VerificationRun.Status.PASSED and run.registry_signature
    assert public.read_text() == registry_public_key_pem() == registry_key.read_text()
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert changed.returncode != 0
    assert AuditEvent.objects.filter(action="verification.signed", object_id=str(run.pk)).count() == 1


def test_an_unsafe_file_fails_the_run_and_is_stored_with_its_verdict(hub, model_root, registry_key):
    files = {"config.json": CONFIG, "pytorch_model.bin": m.torch_zip(m.os_system_pickle())}
    folder = publish_and_write(hub, model_root, "acme/evil", files)

    run = verified_run("acme/evil", folder)

    row = run.file_results.get(path="pytorch_model.bin")
    assert run.status == VerificationRun.Status.FAILED
    assert run.count_unsafe == 1 and run.policy_ok is False and not run.registry_signature
    assert (row.status, row.format, row.scan_verdict) == ("ok", "pytorch-zip", "unsafe")
    assert "posix.system" in row.scan_detail and row.policy.startswith("unsafe file")


def test_gsa_sets_the_trust_with_a_command_and_verify_model_uses_it(hub, model_root, tmp_path, capsys):
    private, public = ec_key(tmp_path, "publisher")
    folder = publish_and_write(hub, model_root, "acme/signed", model_files_signed(tmp_path, key_signer(private)))
    mv = ModelVersionFactory(repo_id="acme/signed", revision="main", declared_license="apache-2.0")
    gsa, officer = gsa_officer(), DeploymentFactory(model_version=mv).created_by
    args = ("set_signature_trust", "acme/signed", "--revision", "main", "--public-key", str(public))

    with pytest.raises(CommandError) as refused:
        call_command(*args, "--as", officer.username)
    call_command(*args, "--as", gsa.username)
    capsys.readouterr()
    code, result = verify("acme/signed", "--revision", "main", "--path", str(folder), capsys=capsys)

    assert refused.value.returncode == 2
    assert code == 0 and result["signature"]["verified"] is True
    assert AuditEvent.objects.filter(action="signature_trust.set").count() == 1
