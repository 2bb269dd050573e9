"""A kernel that fails to start leaves nothing behind: its template goes back to the pool (it
kept its lease, so every later kernel of the process started cold or from a new template), and
its scratch folder and cgroups go."""

import asyncio

import pytest
from jupyter_client.kernelspec import NoSuchKernel

from tensor_gears.sandbox import templates
from tensor_gears.sandbox.kernel import SandboxedKernelManager


def test_a_kernel_that_fails_to_start_gives_its_template_back_and_leaves_no_folder():
    manager = SandboxedKernelManager(kernel_name="no-such-kernel")
    template, folder = manager.template, manager.folder
    assert template is not None, templates.POOL.failed
    with pytest.raises(NoSuchKernel):
        asyncio.run(manager.start_kernel())
    assert manager.template is None
    assert template in templates.POOL.idle["kernel"]
    assert not folder.exists()
    later = SandboxedKernelManager()
    try:
        assert later.template is template  # the same template serves the next kernel
    finally:
        asyncio.run(later.cleanup_resources())
