"""The byte-capped encoder and the seal."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photocheck import io as pio
from photocheck.errors import FixRefused
from photocheck.fix import seal
from photocheck.fix.encode import encode_jpeg, encode_under


def noisy(h=567, w=390, seed=0):
    rng = np.random.default_rng(seed)
    base = cv2.resize(rng.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8), (w, h))
    return cv2.add(base, rng.integers(0, 40, (h, w, 3), dtype=np.uint8))


@pytest.mark.parametrize("cap", [30000, 20000, 12000])
def test_encode_under_is_strictly_under_and_never_padded(cap):
    img = noisy()
    enc = encode_under(img, cap, reserve=216, dpi=300, min_width=190, min_height=254, q_min=30)
    assert len(enc.data) < cap - 216
    assert enc.data.endswith(b"\xff\xd9")  # nothing appended after EOI
    # the search picks the highest quality that fits: one step up does not fit (or is the maximum)
    if enc.scale == 1.0 and enc.quality < 95:
        assert len(encode_jpeg(img, enc.quality + 1, dpi=300)) >= cap - 216
    info = pio.probe(enc.data)
    assert info.format == "jpeg" and not info.progressive and info.mode == "RGB"
    assert info.dpi == (300.0, 300.0)


@pytest.mark.parametrize("cap", [60000, 45000, 30000, 12000, 150000, 110000, 90000])
def test_encode_under_from_top_finds_the_same_quality(cap):
    img = noisy(600, 800, seed=3) if cap <= 60000 else cv2.GaussianBlur(noisy(600, 800, seed=3), (0, 0), 1.5)
    plain = encode_under(img, cap, q_min=30, q_max=94)
    top = encode_under(img, cap, q_min=30, q_max=94, from_top=True)
    assert (top.quality, top.scale, top.data) == (plain.quality, plain.scale, plain.data)


@pytest.mark.parametrize("from_top", [False, True])
def test_quality_search_finds_what_trying_every_quality_finds(from_top, monkeypatch):
    from photocheck.fix import encode

    imgs = [noisy(), cv2.GaussianBlur(noisy(seed=5), (0, 0), 2.0), np.full((567, 390, 3), 250, np.uint8)]
    calls = []
    real = encode.encode_jpeg
    monkeypatch.setattr(encode, "encode_jpeg", lambda *a, **k: calls.append(1) or real(*a, **k))
    for img in imgs:
        sizes = {q: len(real(img, q, dpi=300)) for q in range(40, 96)}
        for budget in sorted({*sizes.values(), 9000, 16000, 23000, 30000, 41000}):
            want = max((q for q, n in sizes.items() if n < budget), default=None)
            calls.clear()
            got = encode._search_quality(img, budget, 40, 95, 300, 2, from_top)
            assert (got[0] if got else None) == want
            assert got is None or len(got[1]) == sizes[got[0]]
            assert len(calls) <= 12  # never far beyond bisection's 6


@pytest.mark.parametrize("dpi", [None, 300, 72])
def test_encode_jpeg_writes_what_pillow_writes(dpi):
    """The OpenCV path (4:2:0) encodes as Pillow does with the same settings: the same
    pixels at the same quality (with the pinned wheels, the very same bytes), and with
    a dpi, Pillow's JFIF density."""
    import io

    from PIL import Image

    for img in (noisy(), noisy(37, 51, seed=1), np.full((16, 24, 3), 255, np.uint8)):
        for q in (30, 60, 85, 94, 95):
            buf = io.BytesIO()
            Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), "RGB").save(
                buf, "JPEG", quality=q, optimize=True, progressive=False, subsampling=2,
                **({"dpi": (dpi, dpi)} if dpi else {}))
            ours, pillow = encode_jpeg(img, q, dpi=dpi), buf.getvalue()
            info = pio.probe(ours)
            assert info.format == "jpeg" and not info.progressive and not info.has_exif
            if dpi:
                assert info.dpi == pio.probe(pillow).dpi == (float(dpi), float(dpi))
            assert np.array_equal(pio.decode(info).bgr, pio.decode(pio.probe(pillow)).bgr)
            assert abs(len(ours) - len(pillow)) <= 0.01 * len(pillow)


def test_encode_scales_down_only_when_quality_is_exhausted():
    img = noisy(1200, 825)
    enc = encode_under(img, 30000, q_min=60, min_width=190, min_height=254)
    assert enc.scale < 1.0 and len(enc.data) < 30000
    assert enc.width >= 190 and enc.height >= 254


def test_encode_refuses_when_minimum_size_cannot_fit():
    with pytest.raises(FixRefused) as ei:
        encode_under(noisy(), 3000, q_min=60, min_width=380, min_height=550)
    assert ei.value.failing == ["file_size"]


def test_seal_intact_tampered_absent():
    ok, buf = cv2.imencode(".jpg", noisy())
    plain = buf.tobytes()
    sealed = seal.add_seal(plain, "nmec-2024-hubei@2024.1")
    assert len(sealed) - len(plain) == seal.seal_overhead("nmec-2024-hubei@2024.1")
    st = seal.verify(sealed)
    assert st.intact and st.rules == "nmec-2024-hubei@2024.1"
    assert seal.verify(plain).state == "absent"
    for pos in (len(sealed) // 2, len(sealed) - 20, 300):
        t = bytearray(sealed)
        t[pos] ^= 0x01
        assert seal.verify(bytes(t)).state == "broken"
    # re-encoding the pixels (a re-save elsewhere) loses or breaks the seal
    resaved = cv2.imencode(".jpg", cv2.imdecode(np.frombuffer(sealed, np.uint8), 1))[1].tobytes()
    assert not seal.verify(resaved).intact
    # still a normal JPEG for every decoder
    assert cv2.imdecode(np.frombuffer(sealed, np.uint8), 1).shape == (567, 390, 3)


def test_seal_binds_the_rule_pack():
    ok, buf = cv2.imencode(".jpg", noisy())
    sealed = seal.add_seal(buf.tobytes(), "a@1")
    forged = sealed.replace(b'"rules":"a@1"', b'"rules":"b@1"')
    assert seal.verify(forged).state == "broken"


def test_resealing_replaces_old_seal():
    ok, buf = cv2.imencode(".jpg", noisy())
    twice = seal.add_seal(seal.add_seal(buf.tobytes(), "a@1"), "b@2")
    st = seal.verify(twice)
    assert st.intact and st.rules == "b@2"
    assert twice.count(seal.MAGIC) == 1
