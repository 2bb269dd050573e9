"""tensor_gears.doctor: the parts that need no box: how findings read, the verdict and its exit status, and the
findings on the course secret and the exchange's folders (from real files, modes and owners)."""

import os

import pytest

from tensor_gears.doctor import OK, REFUSED, WEAKER, Finding, exchange, secret, verdict
from tensor_gears.sandbox.launch import ALLOW_UNBOXED
from tensor_gears.secret import ALLOW_DEFAULT


@pytest.fixture
def no_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("TENSOR_GEARS_SECRET", raising=False)
    monkeypatch.delenv(ALLOW_DEFAULT, raising=False)
    path = tmp_path / "secret"
    monkeypatch.setenv("TENSOR_GEARS_SECRET_FILE", str(path))
    return path


def test_a_finding_is_one_line_status_aligned_then_topic_and_what_was_found():
    assert Finding(OK, "bubblewrap", "/usr/bin/bwrap").line() == "      ok  bubblewrap: /usr/bin/bwrap"
    assert Finding(REFUSED, "box", "no").line() == " refused  box: no"


def test_any_refusal_means_grading_refuses_here_exit_2_naming_what_refused():
    found = [Finding(OK, "bubblewrap", ""), Finding(REFUSED, "box", ""), Finding(REFUSED, "course secret", "")]
    assert verdict(found) == ("grading refuses here (box, course secret: see above)", 2)


def test_without_refusals_the_verdict_names_the_box_and_exits_1_when_something_is_weaker(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no bubblewrap: the unboxed mode, allowed below, is what is said
    monkeypatch.setenv(ALLOW_UNBOXED, "1")
    said, status = verdict([Finding(OK, "exchange", "")])
    assert status == 0 and said.startswith(f"grading will use the unboxed box: unboxed ({ALLOW_UNBOXED}=1)")
    assert verdict([Finding(WEAKER, "cgroups", "")])[1] == 1


def test_the_secret_from_the_environment_is_ok(no_secret, monkeypatch):
    monkeypatch.setenv("TENSOR_GEARS_SECRET", "s3cret")
    assert secret() == [Finding(OK, "course secret", "set in TENSOR_GEARS_SECRET")]


def test_no_secret_refuses_with_the_commands_that_make_one(no_secret):
    [found] = secret()
    assert found.status == REFUSED and f"openssl rand -hex 32 > {no_secret} && chmod 600 {no_secret}" in found.said


def test_the_public_default_is_weaker(no_secret, monkeypatch):
    monkeypatch.setenv(ALLOW_DEFAULT, "1")
    assert secret()[0].status == WEAKER and "tests and demos only" in secret()[0].said


def test_a_secret_file_others_can_read_is_weaker_with_the_fix_and_a_private_one_is_ok(no_secret):
    no_secret.write_text("s3cret")
    no_secret.chmod(0o644)
    [found] = secret()
    assert found.status == WEAKER and found.said.endswith(f"chown {os.geteuid()} {no_secret} && chmod 600 {no_secret}")
    no_secret.chmod(0o600)
    assert secret()[0].status == OK


def test_no_exchange_is_fine_off_a_hub(monkeypatch, tmp_path):
    monkeypatch.setenv("TENSOR_GEARS_EXCHANGE", str(tmp_path / "none"))
    assert exchange()[0].status == OK and "needed only on a hub" in exchange()[0].said


def test_an_exchange_folder_writable_by_everyone_without_the_sticky_bit_is_weaker_and_named(monkeypatch, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the exchange's root is root's: run as root")
    root = tmp_path / "exchange"
    (root / "dl101" / "inbound").mkdir(parents=True)
    (root / "dl101" / "outbound").mkdir()
    root.chmod(0o755)
    monkeypatch.setenv("TENSOR_GEARS_EXCHANGE", str(root))
    (root / "dl101" / "inbound").chmod(0o3733)
    assert exchange()[0].status == OK
    (root / "dl101" / "outbound").chmod(0o777)
    [found] = exchange()
    assert found.status == WEAKER and f"chmod +t {root / 'dl101' / 'outbound'}" in found.said
    assert str(root / "dl101" / "inbound") not in found.said
