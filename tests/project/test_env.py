"""Settings come from the environment and a bad value stops start-up with the variable's name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from project.env import env_bool, env_int, env_list, env_str


def test_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")


def test_int(monkeypatch):
    monkeypatch.setenv("X_NUM", "30")
    assert env_int("X_NUM", 5) == 30
    monkeypatch.setenv("X_NUM", "thirty")
    with pytest.raises(ImproperlyConfigured, match="X_NUM='thirty' is not an integer"):
        env_int("X_NUM", 5)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum 1"):
        env_int("X_NUM", 5, minimum=1)


def test_list_and_secret_file(monkeypatch, tmp_path):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    secret = tmp_path / "key"
    secret.write_text("s3cret\n", encoding="utf-8")
    monkeypatch.setenv("X_KEY_FILE", str(secret))
    assert env_str("X_KEY") == "s3cret"
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_KEY_FILE=.* cannot be read"):
        env_str("X_KEY")
