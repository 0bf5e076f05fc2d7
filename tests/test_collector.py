"""The garbage collector pauses around bulk work and resumes as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from kassa import collector


@pytest.fixture
def enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_pauses_resume_when_the_outer_one_ends(enabled: None) -> None:
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(enabled: None) -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_it_resumes_after_the_last_of_several_threads(enabled: None) -> None:
    inside, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with collector.paused():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    with collector.paused():
        pass
    assert not gc.isenabled()  # the two threads still hold it
    release.set()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_it_resumes_when_the_block_raises(enabled: None) -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("bad row")
    assert gc.isenabled()
