"""Lazily loaded cv2.dnn networks, one set per thread.

Two facts about cv2.dnn shape how nets are kept:

- a ``Net`` is not safe to use from two threads at once, so every thread gets its
  own nets (loading a tflite file takes ~2 ms) and threads run them in parallel:
  ``with get_net(name) as net: net.setInput(...); net.forward(...)``;
- feeding a ``Net`` an input of a different shape than last time re-allocates all
  its layers, which costs about as much as a forward pass. Callers that use
  several input shapes pass the shape as ``key`` and get one net per shape (a
  small LRU per thread).

Loading happens on first use, never at import time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

from .. import models

MAX_NETS_PER_MODEL = 8

_local = threading.local()


def model_buffer(path: Path) -> np.ndarray:
    """A model file's bytes, for cv2.dnn. OpenCV opens a path with the C runtime's
    narrow-character calls, which cannot open a non-ASCII path on Windows (a user
    folder such as C:\\Users\\张三\\AppData\\Local); Python reads the file instead."""
    return np.frombuffer(Path(path).read_bytes(), np.uint8)


def _table() -> OrderedDict[tuple[str, Hashable], cv2.dnn.Net]:
    table = getattr(_local, "nets", None)
    if table is None:
        table = _local.nets = OrderedDict()
    return table


def _load(name: str, key: Hashable) -> cv2.dnn.Net:
    nets = _table()
    net = nets.get((name, key))
    if net is not None:
        nets.move_to_end((name, key))
        return net
    net = cv2.dnn.readNetFromTFLite(model_buffer(models.path(name)))
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    nets[(name, key)] = net
    same = [k for k in nets if k[0] == name]
    for old in same[:-MAX_NETS_PER_MODEL]:
        del nets[old]
    return net


@contextmanager
def get_net(name: str, key: Hashable = None) -> Iterator[cv2.dnn.Net]:
    """This thread's loaded net for (model, key), for use inside the ``with`` block.

    Raises ModelMissingError (bilingual) when the model file is absent or corrupt.
    """
    yield _load(name, key)
