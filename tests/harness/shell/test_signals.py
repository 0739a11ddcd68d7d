from __future__ import annotations

import os
import signal

import pytest

from harness.shell.signals import Interrupted, interrupts_raise


def test_first_signal_raises_later_ones_and_shielded_ones_do_not() -> None:
    with interrupts_raise() as guard:
        with pytest.raises(Interrupted) as caught:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):
                pass
        assert caught.value.signum == signal.SIGTERM
        os.kill(os.getpid(), signal.SIGINT)  # noted, not raised: teardown goes on
        guard.unshield()
        guard.shield()
        os.kill(os.getpid(), signal.SIGINT)
        guard.unshield()
        with pytest.raises(Interrupted):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
