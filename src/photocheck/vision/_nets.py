"""Lazily loaded, process-wide cv2.dnn networks.

Two facts about cv2.dnn shape how nets are kept:

- a ``Net`` is not safe to use from two threads at once, so each one lives behind
  its own lock: ``with get_net(name) as net: net.setInput(...); net.forward(...)``;
- feeding a ``Net`` an input of a different shape than last time re-allocates all
  its layers, which costs about as much as a forward pass. Callers that use
  several input shapes pass the shape as ``key`` and get one net per shape (a
  small LRU; loading a tflite file takes ~2 ms).

Loading happens on first use, never at import time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager

import cv2

from .. import models

MAX_NETS_PER_MODEL = 8

_nets: OrderedDict[tuple[str, Hashable], tuple[cv2.dnn.Net, threading.Lock]] = OrderedDict()
_table_lock = threading.Lock()


def _load(name: str, key: Hashable) -> tuple[cv2.dnn.Net, threading.Lock]:
    with _table_lock:
        entry = _nets.get((name, key))
        if entry is not None:
            _nets.move_to_end((name, key))
            return entry
        net = cv2.dnn.readNetFromTFLite(str(models.path(name)))
        net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        entry = (net, threading.Lock())
        _nets[(name, key)] = entry
        same = [k for k in _nets if k[0] == name]
        for old in same[:-MAX_NETS_PER_MODEL]:
            # A thread still holding the evicted net keeps its reference; fine.
            del _nets[old]
        return entry


@contextmanager
def get_net(name: str, key: Hashable = None) -> Iterator[cv2.dnn.Net]:
    """The loaded net for (model, key), held exclusively inside the ``with`` block.

    Raises ModelMissingError (bilingual) when the model file is absent or corrupt.
    """
    net, lock = _load(name, key)
    with lock:
        yield net
