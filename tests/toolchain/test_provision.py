"""tools/provision_python.py: resolving a version the pool serves, and refusing what it cannot verify.

The signature and checksum tests use the real gpgv, Debian's real developer keyring and a real
signed .dsc that provisioning downloaded into the machine's cache; they are skipped where there
is none (a machine that never built an interpreter).
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("provision_python", ROOT / "tools" / "provision_python.py")
provision = importlib.util.module_from_spec(spec)
spec.loader.exec_module(provision)


def test_candidates_walk_down_from_the_newest_listed_release():
    assert provision.candidates_below("3.14.3")[:4] == ["3.14.3", "3.14.2", "3.14.1", "3.14.0"]
    # A pool that lags its index may hold only release candidates of a new series.
    assert "3.15.0~rc1" in provision.candidates_below("3.15.2")
    assert provision.candidates_below("3.15.0~rc2")[:2] == ["3.15.0~rc2", "3.15.0~rc1"]


def test_debian_versions_sort_as_releases_do():
    ordered = ["3.15.0~b4", "3.15.0~rc1", "3.15.0~rc2", "3.15.0", "3.15.1", "3.15.10"]
    assert sorted(reversed(ordered), key=provision._debian_key) == ordered


def test_flags_hash_changes_with_the_flags():
    assert provision.flags_hash(("--with-ensurepip=install",)) != provision.flags_hash(("--enable-optimizations",))


def _cached_dsc() -> Path | None:
    src = provision.interpreters.cache_root() / "src"
    found = sorted(src.glob("python3.1*_*-*.dsc"))
    return found[-1] if found else None


needs_dsc = pytest.mark.skipif(_cached_dsc() is None or not provision.DEVELOPER_KEYRING.exists(),
                               reason="no signed .dsc in the build cache (nothing was built here)")


@needs_dsc
def test_a_tampered_dsc_is_refused(tmp_path):
    dsc = _cached_dsc()
    name = dsc.name
    minor, upstream = name.split("_")[0][len("python"):], name.split("_")[1].rsplit("-", 1)[0]
    text = dsc.read_text()
    tampered = text.replace(text.split("Checksums-Sha256:")[1].split()[0], "0" * 64, 1).encode()
    with pytest.raises(provision.ProvisionError, match="does not verify"):
        provision.verify_and_download(minor, upstream, name, tampered, "http://unused.invalid", tmp_path)


@needs_dsc
def test_a_tarball_that_does_not_match_the_signed_checksum_is_refused(tmp_path, monkeypatch):
    dsc = _cached_dsc()
    name = dsc.name
    minor, upstream = name.split("_")[0][len("python"):], name.split("_")[1].rsplit("-", 1)[0]
    monkeypatch.setattr(provision, "fetch", lambda url, timeout=120: b"not the release")
    with pytest.raises(provision.ProvisionError, match="does not match the SHA256"):
        provision.verify_and_download(minor, upstream, name, dsc.read_bytes(), "http://unused.invalid", tmp_path)


def test_a_bad_name_is_a_message_not_a_traceback():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "provision_python.py"), "--path", "three"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not an interpreter name like '3.14'" in done.stderr


def test_a_missing_interpreter_says_how_to_get_it(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path), PATH="/usr/bin:/bin", PYENV_ROOT=str(tmp_path),
               HOME=str(tmp_path))
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "provision_python.py"), "--path", "3.98"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "make python PYTHONS=3.98" in done.stderr and "INTERNALS_LAB_PYTHON_3_98" in done.stderr
