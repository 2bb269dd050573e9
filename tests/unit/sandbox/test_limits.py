"""Every limit of the box in one place: traits with help, the same defaults as plain data, one set per process."""

import pytest
from traitlets import TraitError
from traitlets.config import Config

from tensor_gears.sandbox import limits
from tensor_gears.sandbox.limits import DEFAULTS, BoxLimits, Limits


def test_every_limit_is_a_configurable_trait_with_help_and_the_plain_datas_default():
    traits = BoxLimits.class_traits(config=True)
    assert set(traits) == set(vars(DEFAULTS))
    for name, trait in traits.items():
        assert len(trait.help) > 20, name
        assert trait.default_value == getattr(DEFAULTS, name), name
    assert BoxLimits().limits() == DEFAULTS


def test_a_courses_configuration_sets_the_limits():
    config = Config({"BoxLimits": {"memory": 2 << 30, "processes": 64, "tmp_size": 8 << 20}})
    assert BoxLimits(config=config).limits() == Limits(memory=2 << 30, processes=64, tmp_size=8 << 20)


@pytest.mark.parametrize("name, value", [("memory", 1 << 20), ("processes", 4), ("cpu_seconds", 0),
                                         ("file_size", 1024), ("work_size", 0), ("tmp_size", 1 << 10)])
def test_a_limit_too_small_for_the_box_to_work_is_refused(name, value):
    with pytest.raises(TraitError):
        BoxLimits(config=Config({"BoxLimits": {name: value}}))


def test_a_check_childs_rlimits_are_prlimits_names_and_no_core_dumps():
    assert Limits(memory=1 << 30, file_size=1 << 20, cpu_seconds=7).rlimits() == {
        "data": 1 << 30, "fsize": 1 << 20, "cpu": 7, "core": 0}


def test_use_sets_what_current_returns_for_this_process():
    assert limits.current() == DEFAULTS
    smaller = Limits(memory=1 << 29)
    try:
        limits.use(smaller)
        assert limits.current() is smaller
    finally:
        limits.use(DEFAULTS)
