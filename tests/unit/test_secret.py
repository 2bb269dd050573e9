"""Per-student inputs: the same for the same student and check, unpredictable without the course
secret, their kinds the same for every student; no grading without a secret unless allowed."""

import numpy as np
import pytest

from tensor_gears import secret
from tensor_gears.secret import ALLOW_DEFAULT, DEFAULT_SECRET, NoSecret, course_secret, rng_for


def draw(*parts):
    rng = rng_for(*parts)
    return rng.uniform(size=4), rng.structure.uniform(size=4)


def test_the_same_student_and_check_draw_the_same_inputs():
    values, kinds = draw("s3cret", "tensor_ops", "ada", "check_naive_relu_values")
    again = draw("s3cret", "tensor_ops", "ada", "check_naive_relu_values")
    assert np.array_equal(values, again[0]) and np.array_equal(kinds, again[1])


def test_values_are_the_students_and_kinds_the_checks():
    ada = draw("s3cret", "tensor_ops", "ada", "check_a")
    bo = draw("s3cret", "tensor_ops", "bo", "check_a")
    other_check = draw("s3cret", "tensor_ops", "ada", "check_b")
    other_secret = draw("another", "tensor_ops", "ada", "check_a")
    assert not np.array_equal(ada[0], bo[0]) and np.array_equal(ada[1], bo[1])
    assert not np.array_equal(ada[0], other_check[0]) and not np.array_equal(ada[1], other_check[1])
    assert not np.array_equal(ada[0], other_secret[0]) and np.array_equal(ada[1], other_secret[1])


def test_parts_are_kept_apart():
    """("ab", "c") and ("a", "bc") are different students."""
    assert secret.seeded("ab", "c").integers(1 << 62) != secret.seeded("a", "bc").integers(1 << 62)


def test_a_check_random_passes_the_generators_methods_to_the_values():
    rng = rng_for("s", "a", "ada", "c")
    assert rng.integers(0, 1 << 30) == secret.seeded("s", "a", "ada", "c").integers(0, 1 << 30)


@pytest.fixture
def no_secret(monkeypatch, tmp_path):
    """No secret in the environment or in the file, and the default not allowed."""
    for name in ("TENSOR_GEARS_SECRET", ALLOW_DEFAULT):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TENSOR_GEARS_SECRET_FILE", str(tmp_path / "secret"))
    course_secret.cache_clear()
    yield tmp_path / "secret"
    course_secret.cache_clear()


def test_without_a_secret_grading_is_refused_and_told_what_to_set(no_secret):
    with pytest.raises(NoSecret, match=f"set TENSOR_GEARS_SECRET or write it to .* \\(or set {ALLOW_DEFAULT}=1"):
        course_secret()


def test_the_refusal_names_the_secret_file_that_was_looked_for(no_secret):
    with pytest.raises(NoSecret, match=f"write it to {no_secret} "):
        course_secret()


def test_the_secret_comes_from_the_environment_then_the_file_then_the_allowed_default(no_secret, monkeypatch):
    monkeypatch.setenv(ALLOW_DEFAULT, "1")
    assert course_secret() == DEFAULT_SECRET
    course_secret.cache_clear()
    no_secret.write_text("from the file\n")
    assert course_secret() == "from the file"
    course_secret.cache_clear()
    monkeypatch.setenv("TENSOR_GEARS_SECRET", "from the environment")
    assert course_secret() == "from the environment"
