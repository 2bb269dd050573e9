"""Why the box cannot be built, in words that say what to change (the probe's own run of bubblewrap is
tested in the platform tests)."""

import pytest

from tensor_gears.sandbox import probe

PROC = "Can't mount proc on /newroot/proc: Operation not permitted"
USERNS = "No permissions to creating new namespace, likely because the kernel does not allow non-privileged user"


@pytest.fixture
def sysctls(tmp_path, monkeypatch):
    """This machine's /proc/sys as plain files."""
    monkeypatch.setattr(probe, "SYSCTL", tmp_path)

    def setting(name: str, value: str):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(value + "\n")
    return setting


def test_the_probe_makes_the_boxs_namespaces_around_true():
    root, rootless = probe.probe_command(False), probe.probe_command(True)
    assert root[0] == "bwrap" and root[-2:] == ["--", "/usr/bin/true"] and "--unshare-user" not in root
    assert rootless[:3] == ["bwrap", "--unshare-user", "--disable-userns"] and rootless[3:] == root[1:]
    for namespace in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"):
        assert namespace in root


def test_refused_user_namespaces_name_each_setting_found(sysctls):
    sysctls(probe.APPARMOR_RESTRICTION, "1")
    sysctls("user/max_user_namespaces", "0")
    sysctls("kernel/unprivileged_userns_clone", "0")
    said = probe.explain(USERNS, rootless=True)
    assert said.startswith(f"the grader is not root and this machine refuses unprivileged user namespaces (bwrap: "
                           f"{USERNS}); ask the administrator to allow them: {probe.USERNS_SETTINGS}; found: ")
    assert probe.APPARMOR_INSTALL in said and "user.max_user_namespaces=0" in said
    assert "kernel.unprivileged_userns_clone=0" in said


def test_a_setting_that_allows_them_is_not_named(sysctls):
    sysctls(probe.APPARMOR_RESTRICTION, "0")
    sysctls("user/max_user_namespaces", "63000")
    said = probe.explain(USERNS, rootless=True)
    assert "AppArmor restricts" not in said and "max_user_namespaces=0" not in said and "clone=0" not in said
    assert probe.sysctl("kernel/absent") is None


def test_a_proc_that_cannot_be_mounted_is_explained_for_a_container(monkeypatch):
    monkeypatch.setenv("container", "podman")
    said = probe.explain(PROC, rootless=False)
    assert said.startswith(f"bubblewrap cannot mount a fresh /proc here (bwrap: {PROC}): ")
    assert said.endswith(probe.CONTAINER_FIX)


def test_a_root_grader_in_a_container_is_told_what_the_container_needs(sysctls, monkeypatch):
    monkeypatch.setenv("container", "docker")
    said = probe.explain("Creating new namespace failed: Operation not permitted", rootless=False)
    assert said.startswith("bubblewrap cannot make the box's namespaces here, even as root (bwrap: Creating")
    assert probe.CONTAINER_FIX in said
