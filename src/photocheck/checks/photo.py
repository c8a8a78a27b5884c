"""Portrait photo checks: one small class per rule id of the contract.

Every check measures the image; thresholds come from the rule pack
(``pack.photo``). Shared measurements (decoded pixels, faces, head geometry,
foreground map) are computed once per file in ``Context``.
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import io as pio
from ..errors import InputError
from ..geometry import Head, main_person, measure_head
from ..lazy import lazy
from ..numbers import beside, bytes_beside, keep_side
from ..rules import RulePack
from ..text import EMPTY, FixHint, Text
from .base import Check, CheckResult, Status, register
from .shapes import CENTRE, CENTRE_BAND, CHIN, CHIN_BAND, CROWN, CROWN_BAND, EYES, FACE, Shape

# The checks work on at most this many pixels on the long side; a compliant
# photo (390 x 567) is always seen at full size.
CHECK_MAX_SIDE = 640
# A pixel differs from the background colour when its Lab distance is above this.
FG_DELTA = 18.0


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


def white_map(bgr: np.ndarray, min_channel: int, max_chroma: int) -> np.ndarray:
    """Bool map of white pixels: every channel at least ``min_channel`` and the
    channels within ``max_chroma`` of each other (the pack's background rule)."""
    b, g, r = cv2.split(bgr)
    lo = cv2.min(cv2.min(b, g), r)
    hi = cv2.max(cv2.max(b, g), r)
    return (lo >= min_channel) & (cv2.subtract(hi, lo) <= max_chroma)


def small_lstsq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Least squares ``a @ x ~ b`` for a tall ``a`` with a few columns (n x k, k small),
    as ``np.linalg.lstsq`` solves it (the minimum-norm solution when ``a`` is rank
    deficient), in float32 like the inputs.

    Through the k x k normal equations, summed by ``np.einsum`` in float64: the n-row
    products never reach BLAS. ``np.linalg.lstsq`` on a few thousand rows hands them to
    OpenBLAS's thread pool, whose threads then spin-wait about 0.1 s on every core after
    the call, starving the OpenCV threads (the networks, the decode) that run next."""
    a64 = a.astype(np.float64)
    ata = np.einsum("ni,nj->ij", a64, a64)
    atb = np.einsum("ni,nj->ij", a64, b.astype(np.float64))
    # (AᵀA)⁺Aᵀb is A⁺b; the k x k solve is too small for BLAS threads.
    x, *_ = np.linalg.lstsq(ata, atb, rcond=None)
    return x.astype(np.float32)


def apply_coef(a: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``a @ coef`` (n x k times k x m, k and m small) without BLAS (see small_lstsq)."""
    return np.einsum("nk,km->nm", a, coef.astype(a.dtype, copy=False))


def not_a_photo() -> InputError:
    """A PDF given to the photo check or fix: what it is, and where it belongs."""
    return InputError(
        Text("这是 PDF 文件，不是照片", "this is a PDF file, not a photo"), code="unsupported",
        hint=Text("报名照片须为 JPG 图片。PDF 材料（身份证、学历证书等）请在「报名材料」页检查，"
                  "或使用 --kind material。",
                  "The registration photo must be a JPG image. Check PDF materials (ID card, diploma ...) "
                  "on the 报名材料 (Materials) page, or with --kind material."))


def check_pixels(info: pio.ImageInfo, pack: RulePack) -> pio.Decoded:
    """The pixels the photo checks measure: upright, at most ``CHECK_MAX_SIDE`` on the long
    side (never below the pack's minimum width). Shapes in the results are in these
    pixels' coordinates until ``core.check_info`` scales them to the original."""
    return pio.decode(info, max_side=CHECK_MAX_SIDE, min_side=pack.photo.min_width)


class Context:
    """Lazily computed measurements shared by the photo checks of one file.

    ``pixels``: ``check_pixels(info, pack)`` already decoded by the caller."""

    def __init__(self, info: pio.ImageInfo, pack: RulePack, *, pixels: pio.Decoded | None = None):
        if info is not None and info.format == "pdf":
            raise not_a_photo()
        self.info = info
        self.pack = pack
        self.rules = pack.photo
        if pixels is not None:
            self.__dict__["decoded"] = pixels  # the lazy property's value

    @classmethod
    def from_pixels(cls, bgr: np.ndarray, pack: RulePack) -> "Context":
        """Measurements of an image already in memory (no file: format and size are
        not known); the fixer uses it to measure its own crop."""
        return cls(None, pack, pixels=pio.Decoded(bgr=bgr, scale=1.0, info=None))  # type: ignore[arg-type]

    # -- pixels ---------------------------------------------------------------------------
    @lazy
    def decoded(self) -> pio.Decoded:
        return check_pixels(self.info, self.pack)

    @property
    def bgr(self) -> np.ndarray:
        return self.decoded.bgr

    @lazy
    def lab(self) -> np.ndarray:
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2Lab).astype(np.float32)

    @lazy
    def white(self) -> np.ndarray:
        """Bool map of the pixels that count as white background (``white_map``)."""
        return white_map(self.bgr, self.rules.background.min_channel, self.rules.background.max_chroma)

    @lazy
    def grey(self) -> np.ndarray:
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2GRAY)

    @property
    def scale(self) -> float:
        """Decoded pixels per original (oriented) pixel."""
        return self.decoded.scale

    def to_original(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        s = self.scale or 1.0
        return tuple(int(round(v / s)) for v in box)  # type: ignore[return-value]

    # -- faces ----------------------------------------------------------------------------
    @lazy
    def faces(self):
        from ..vision.face import get_detector

        return get_detector().detect(self.bgr)

    @lazy
    def face(self):
        return self.faces[0] if self.faces else None

    @lazy
    def person_mask(self) -> np.ndarray:
        from ..vision.segment import get_segmenter

        # The checks need the silhouette, not hair-accurate edges: skip the refinement.
        return get_segmenter().mask(self.bgr, refine_edges=False)

    @property
    def uniform_background(self) -> bool:
        bg = self.bg_colour
        return bg is not None and bg[1] < FG_DELTA

    @lazy
    def person_core(self) -> np.ndarray:
        """Pixels the segmenter is sure are the person, grown a little to cover the
        blended edge: they are not background and are left out of its check."""
        # On a uniform background the colour difference outlines the person exactly and
        # costs nothing; elsewhere the segmenter does.
        person = self.foreground if self.uniform_background else self.person_mask > 0.5
        if self.face is not None:
            person = main_person(person, self.face, split_y=self.face.mouth[1])
        core = person.astype(np.uint8)
        k = max(3, int(0.01 * max(self.bgr.shape[:2])) | 1)
        return cv2.dilate(core, np.ones((k, k), np.uint8)) > 0

    @lazy
    def silhouette(self) -> np.ndarray:
        """The segmenter's person, grown by the pack's ``island_tolerance`` of the width
        (hair wisps, a soft edge)."""
        k = max(3, int(self.rules.background.island_tolerance * self.px_w())) | 1
        sil = cv2.dilate((self.person_mask > 0.5).astype(np.uint8),
                         cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        # A hole inside the person (a cap badge the segmenter left out) is not background.
        n, labels = cv2.connectedComponents(1 - sil, connectivity=4)
        edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        outside = np.zeros(n, bool)
        outside[edge] = True
        outside[0] = False  # label 0 is the silhouette itself
        return ~outside[labels]

    @lazy
    def bg_colour(self) -> tuple[np.ndarray, float] | None:
        """Lab colour of the background from the top corners, and how far the frame's
        border (top band, upper sides) strays from a smooth wall (``bg_model``).

        None when the two corners disagree (no single background colour)."""
        h, w = self.bgr.shape[:2]
        ph, pw = max(2, int(0.05 * h)), max(2, int(0.08 * w))
        patches = [self.lab[:ph, :pw].reshape(-1, 3), self.lab[:ph, w - pw:].reshape(-1, 3)]
        meds = [np.median(p, axis=0) for p in patches]
        if np.linalg.norm(meds[0] - meds[1]) > FG_DELTA:
            return None
        med = np.median(np.concatenate(patches), axis=0)
        model = self.bg_model
        if model is None:
            return med, float("inf")
        return med, model[1]

    @lazy
    def bg_model(self) -> tuple[np.ndarray, float] | None:
        """A smooth background: per Lab channel a quadratic in x and y fitted to the
        frame's border (the top band and the upper sides, where a portrait shows wall),
        once more without the samples that stray (hair, shoulders). A wall lit darker in
        its corners than behind the head is one background, not a person.

        Returns (the fitted HxWx3 background, the 75th percentile of the border's
        distance from it), or None when there is too little border to fit."""
        h, w = self.bgr.shape[:2]
        ph, pw = max(2, int(0.05 * h)), max(2, int(0.08 * w))
        step = max(1, int(round(max(h, w) / 160)))
        ys, xs = np.mgrid[0:h:step, 0:w:step]
        border = (ys < ph) | (((xs < pw) | (xs >= w - pw)) & (ys < 0.6 * h))
        ys, xs = ys[border], xs[border]
        if len(ys) < 30:
            return None
        vals = self.lab[ys, xs]

        def design(yy, xx):
            u, v = xx / w - 0.5, yy / h - 0.5
            return np.stack([np.ones_like(u), u, v, u * u, v * v, u * v], axis=-1).astype(np.float32)

        a = design(ys.astype(np.float32), xs.astype(np.float32))
        keep = np.ones(len(ys), bool)
        coef = None
        for _ in range(2):
            if keep.sum() < 12:
                return None
            coef = small_lstsq(a[keep], vals[keep])
            resid = np.linalg.norm(apply_coef(a, coef) - vals, axis=1)
            keep = resid <= FG_DELTA
        # A quarter of the border may be person (hair or shoulders reaching the edge).
        spread = float(np.percentile(resid, 75))
        # The surface is smooth: evaluate it on a coarse grid and resize.
        gh, gw = max(2, h // 8), max(2, w // 8)
        gy, gx = np.mgrid[0:gh, 0:gw].astype(np.float32)
        coarse = apply_coef(design((gy + 0.5) * h / gh - 0.5, (gx + 0.5) * w / gw - 0.5).reshape(-1, 6), coef)
        fitted = cv2.resize(coarse.reshape(gh, gw, 3).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        return fitted, spread

    @lazy
    def foreground(self) -> np.ndarray:
        """Bool map of the person: differs from a uniform background (``bg_model``),
        or, on a busy background, the segmentation mask."""
        if self.uniform_background:
            d = cv2.subtract(self.lab, self.bg_model[0])
            dist2 = cv2.transform(cv2.multiply(d, d), np.ones((1, 3), np.float32))
            fg = dist2 > FG_DELTA * FG_DELTA
            fg = cv2.morphologyEx(fg.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
            return fg
        return self.person_mask > 0.5

    @lazy
    def head(self) -> Head | None:
        if self.face is None:
            return None
        return measure_head(self.face, self.foreground, crown_est=self.rules.head.crown_estimate)

    @lazy
    def face_region(self) -> np.ndarray | None:
        """Bool mask of facial skin: the landmark hull shrunk a little (no hair, no background)."""
        f = self.face
        if f is None:
            return None
        h, w = self.bgr.shape[:2]
        m = np.zeros((h, w), np.uint8)
        if f.landmarks is not None:
            hull = cv2.convexHull(f.landmarks.astype(np.float32)).astype(np.int32)
            cv2.fillConvexPoly(m, hull, 1)
            k = max(1, int(0.06 * (f.face_right_x - f.face_left_x)))
            m = cv2.erode(m, np.ones((k, k), np.uint8))
        else:
            x, y, bw, bh = (int(v) for v in f.box)
            m[max(0, y + bh // 5):y + bh * 4 // 5, max(0, x + bw // 5):x + bw * 4 // 5] = 1
        return m > 0

    @lazy
    def upper_face(self) -> np.ndarray | None:
        """Facial skin from the forehead down to the nose tip: where light falls,
        without beard or mouth."""
        region = self.face_region
        if region is None:
            return None
        up = region.copy()
        up[:int(max(0, self.face.forehead[1]))] = False
        up[int(max(0, self.face.nose[1])):] = False
        return up if up.sum() >= 50 else region

    @lazy
    def upper_skin(self) -> np.ndarray | None:
        """The upper face without the eyes and brows (grown a little for lashes and
        sockets): skin only, where a shadow is a shadow and not a dark feature."""
        up = self.upper_face
        f = self.face
        if up is None or f.landmarks is None:
            return up
        from ..vision.face import EYE_BROW_OUTLINES

        feat = np.zeros(up.shape, np.uint8)
        for idx in EYE_BROW_OUTLINES:
            pts = f.landmarks[list(idx)].astype(np.float32)
            cv2.fillConvexPoly(feat, cv2.convexHull(pts).astype(np.int32), 1)
        k = max(3, int(0.05 * (f.face_right_x - f.face_left_x))) | 1
        skin = up & ~(cv2.dilate(feat, np.ones((k, k), np.uint8)) > 0)
        return skin if skin.sum() >= 50 else up

    @lazy
    def face_crop_grey(self) -> np.ndarray | None:
        f = self.face
        if f is None:
            return None
        x0, x1 = int(max(0, f.face_left_x)), int(min(self.bgr.shape[1], f.face_right_x))
        y0 = int(max(0, f.forehead[1]))
        y1 = int(min(self.bgr.shape[0], f.chin[1]))
        if x1 - x0 < 8 or y1 - y0 < 8:
            return None
        return self.grey[y0:y1, x0:x1]

    # -- the person (measures in vision.person; checks in checks.person) ---------------
    @lazy
    def pose(self):
        from ..vision.person import head_pose

        r = self.rules.pose
        return head_pose(self.face, pitch_neutral=r.pitch_neutral_deg, sure_px=r.sure_face_px)

    @lazy
    def eyes(self):
        from ..vision.person import measure_eyes

        return measure_eyes(self.bgr, self.face)

    @lazy
    def skin_lab(self) -> np.ndarray | None:
        """Median Lab colour of the upper face's skin (no eyes, brows, mouth or beard)."""
        skin = self.upper_skin
        if skin is None or not skin.any():
            return None
        return np.median(self.lab[skin], axis=0)

    @lazy
    def cheek_lab(self) -> np.ndarray | None:
        """Median Lab colour of both cheeks (``vision.person.cheek_lab``)."""
        from ..vision.person import cheek_lab

        return cheek_lab(self.lab, self.face)

    @lazy
    def person_not_white(self) -> np.ndarray:
        """The person (``foreground``) without the pixels that count as white."""
        return self.foreground & ~self.white

    @lazy
    def mouth(self):
        from ..vision.person import measure_mouth

        ref = self.skin_lab
        return measure_mouth(self.lab, self.face, float(ref[0]) if ref is not None else 128.0)

    @lazy
    def lenses(self):
        from ..vision.person import measure_lenses

        return measure_lenses(self.lab, self.face, self.eyes, skin=self.cheek_lab)

    @lazy
    def cover(self):
        from ..vision.person import measure_cover

        r = self.rules.occlusion
        return measure_cover(self.lab, self.face, self.skin_lab, ab_delta=r.ab_delta, off_hue_margin=r.off_hue_margin,
                             bgr=self.bgr, hand_side=r.hand_crop, hand_gate_lip=r.hand_gate_lip,
                             hand_gate_chroma=r.hand_gate_chroma)

    def need_face(self, check: Check) -> CheckResult | None:
        """A 'cannot measure' failure when there is not exactly one face."""
        n = len(self.faces)
        if n == 1:
            return None
        msg = _t("未检测到人脸，无法测量", "no face found; cannot measure") if n == 0 else \
            _t(f"检测到 {n} 张人脸，无法测量", f"{n} faces found; cannot measure")
        return check.result(Status.FAIL, None, None, msg, _t("请先解决人脸检测问题", "fix the face problem first"))

    def px_h(self) -> int:
        return self.bgr.shape[0]

    def px_w(self) -> int:
        return self.bgr.shape[1]


class FaceMeasure(Check):
    """A check that measures the one face. Without exactly one face it fails with
    "cannot measure" (``Context.need_face``) and ``measure`` is not called."""

    def run(self, ctx: Context) -> CheckResult:
        miss = ctx.need_face(self)
        return miss if miss is not None else self.measure(ctx)

    def measure(self, ctx: Context) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError


def _worst(*statuses: Status) -> Status:
    if Status.FAIL in statuses:
        return Status.FAIL
    if Status.WARN in statuses:
        return Status.WARN
    return Status.PASS


def _band(value: float, passing: tuple[float, float], warning: tuple[float, float] | None = None) -> Status:
    if passing[0] <= value <= passing[1]:
        return Status.PASS
    if warning and warning[0] <= value <= warning[1]:
        return Status.WARN
    return Status.FAIL


# --- file-level checks ------------------------------------------------------------------

@register
class FormatCheck(Check):
    id = "format"
    kind = "photo"
    title = _t("文件格式", "File format")

    def run(self, ctx: Context) -> CheckResult:
        info, r = ctx.info, ctx.rules
        name = pio.format_name(info.format)
        desc = f"{name}" + (f", {'progressive' if info.progressive else 'baseline'}, {info.bits}-bit, {info.mode}"
                            if info.format == "jpeg" else f", {info.mode}")
        limit = "JPEG baseline, 8-bit, RGB"
        if info.format not in r.formats:
            return self.result(Status.FAIL, desc, limit,
                               _t(f"照片不是 JPG 格式（实际是 {name}）", f"not a JPG photo (it is {name})"),
                               FixHint("用本工具“一键修复”另存为 JPG；只改扩展名没有用",
                                       "use Fix to save it as JPG; renaming the extension does not help"))
        problems = []
        if r.baseline_only and info.progressive:
            problems.append(_t("渐进式 JPEG", "progressive JPEG"))
        if info.bits != 8:
            problems.append(_t(f"{info.bits} 位", f"{info.bits}-bit"))
        if info.mode not in ("RGB", "YCbCr"):
            problems.append(_t(f"颜色模式 {info.mode}（需 RGB 三通道）", f"colour mode {info.mode} (need 3-channel RGB)"))
        if problems:
            joined = Text("，".join(p.zh for p in problems), ", ".join(p.en for p in problems))
            return self.result(Status.FAIL, desc, limit, _t("JPG 编码不符合要求：", "JPEG encoding not accepted: ") + joined,
                               FixHint("用“一键修复”重新保存为标准 JPG", "use Fix to re-save as a standard JPEG"))
        if info.icc_profile and b"sRGB" not in info.icc_profile[:256] and b"sRGB" not in info.icc_profile:
            return self.result(Status.WARN, desc + ", ICC", limit,
                               _t("内嵌了非 sRGB 色彩配置，颜色可能偏差", "embedded non-sRGB colour profile; colours may shift"),
                               FixHint("用“一键修复”转换为 sRGB", "use Fix to convert to sRGB"))
        return self.result(Status.PASS, desc, limit, _t("JPG 格式正确", "JPEG format OK"))


@register
class FileSizeCheck(Check):
    id = "file_size"
    kind = "photo"
    title = _t("文件大小", "File size")

    def run(self, ctx: Context) -> CheckResult:
        size, cap = ctx.info.size_bytes, ctx.rules.max_bytes
        limit = f"< {cap}"
        # whole bytes beside the byte rule: no rounding can move a size across the limit
        n, m = bytes_beside(size, cap)
        if size >= cap:
            return self.result(Status.FAIL, size, limit,
                               _t(f"文件 {n} 字节，超过上限（须小于 {m} 字节）",
                                  f"file is {n} bytes, over the limit (must be under {m} bytes)"),
                               FixHint("用“一键修复”压缩到限额以内", "use Fix to compress it under the limit"))
        return self.result(Status.PASS, size, limit, _t(f"文件 {n} 字节，须小于 {m} 字节",
                                                         f"file is {n} bytes, under the limit of {m}"))


@register
class DimensionsCheck(Check):
    id = "dimensions"
    kind = "photo"
    title = _t("尺寸比例", "Size and proportions")

    def run(self, ctx: Context) -> CheckResult:
        r = ctx.rules
        w, h = ctx.info.oriented_size
        ratio = w / h
        dev = abs(ratio - r.aspect) / r.aspect
        measured = {"width": w, "height": h, "ratio": round(ratio, 4)}
        limit = {"min_width": r.min_width, "min_height": r.min_height, "ratio": r.aspect,
                 "tolerance": r.aspect_tolerance}
        size_name = Text(r.size_name_zh, r.size_name_en)
        if w < r.min_width or h < r.min_height:
            return self.result(Status.FAIL, measured, limit,
                               _t(f"像素太少：{w}×{h}，至少 {r.min_width}×{r.min_height}",
                                  f"too few pixels: {w}×{h}, need at least {r.min_width}×{r.min_height}"),
                               _t("请用更高分辨率重新拍摄；放大图片不能解决问题",
                                  "retake at a higher resolution; enlarging does not help"))
        if dev > r.aspect_tolerance:
            sideways = abs(h / w - r.aspect) / r.aspect <= r.aspect_tolerance
            hint = (_t("照片可能横过来了，请转正后再试", "the photo may be sideways; turn it upright") if sideways
                    else FixHint(f"用“一键修复”按{size_name.zh}比例裁剪", f"use Fix to crop to {size_name.en}"))
            return self.result(Status.FAIL, measured, limit,
                               _t(f"宽高比 {ratio:.3f}，应为 {r.aspect:.4f}（{size_name.zh}，允许 ±{r.aspect_tolerance:.0%}）",
                                  f"aspect ratio {ratio:.3f}, should be {r.aspect:.4f} ({size_name.en}, ±{r.aspect_tolerance:.0%})"),
                               hint)
        return self.result(Status.PASS, measured, limit, _t(f"{w}×{h} 像素，比例正确", f"{w}×{h} px, proportions OK"))


# --- content checks ---------------------------------------------------------------------

@register
class ColorCheck(Check):
    id = "color"
    kind = "photo"
    title = _t("彩色照片", "Colour photo")

    def run(self, ctx: Context) -> CheckResult:
        limit = f">= {ctx.rules.color.min_saturation}"
        if ctx.info.mode in ("L", "1", "I;16", "I", "LA"):
            return self.result(Status.FAIL, 0.0, limit, _t("这是黑白（灰度）照片", "this is a black-and-white (greyscale) photo"),
                               _t("请提交彩色照片", "submit a colour photo"))
        region = ctx.face_region
        lab = ctx.lab
        if region is not None and region.any():
            a, b = lab[..., 1][region] - 128, lab[..., 2][region] - 128
        else:
            a, b = lab[..., 1].ravel() - 128, lab[..., 2].ravel() - 128
        face_chroma = float(np.mean(np.sqrt(a * a + b * b)))
        # Pale or evenly lit skin can carry little chroma in a colour photo; the lips, eyes,
        # hair and clothes still do. A greyscale photo has none anywhere (JPEG noise only).
        a, b = lab[..., 1][::2, ::2] - 128, lab[..., 2][::2, ::2] - 128
        vivid = float(np.percentile(np.sqrt(a * a + b * b), ctx.rules.color.vivid_percentile))
        chroma = max(face_chroma, vivid)
        shown = keep_side(chroma, ctx.rules.color.min_saturation, digits=2)
        if chroma < ctx.rules.color.min_saturation:
            v, (m_,) = beside(chroma, ctx.rules.color.min_saturation, digits=1)
            return self.result(Status.FAIL, shown, limit,
                               _t(f"照片几乎没有颜色，像是黑白照片（色度 {v}，至少 {m_}）",
                                  f"the photo has almost no colour; it looks greyscale (chroma {v}, need {m_})"),
                               _t("请提交彩色照片，关闭黑白滤镜", "submit a colour photo; turn off mono filters"))
        return self.result(Status.PASS, shown, limit, _t("彩色照片", "colour photo"))


@register
class FaceCheck(Check):
    id = "face"
    kind = "photo"
    title = _t("人脸", "Face")

    def run(self, ctx: Context) -> CheckResult:
        faces = ctx.faces
        n = len(faces)
        want = ctx.rules.face_count
        if n == 0:
            return self.result(Status.FAIL, 0, want, _t("未检测到人脸", "no face found"),
                               _t("请正面免冠拍摄，脸部清晰、无遮挡，照片不要横放",
                                  "face the camera bare-headed, face clear and unobstructed, photo upright"))
        if n != want:
            region = ctx.to_original(faces[1].box)
            return self.result(Status.FAIL, n, want, _t(f"检测到 {n} 张人脸，只能有本人一人", f"{n} faces found; only yours may appear"),
                               _t("请单独拍摄，背景中不要有其他人或人像", "take it alone, with no other people or pictures of people behind"),
                               region, shapes=[Shape.rect(*b.box) for b in faces])
        f = faces[0]
        box = ctx.to_original(f.box)
        # Whether the face is frontal is the `pose` check's (checks.person).
        from ..vision.face import face_width_ratio

        hi = ctx.rules.max_face_proportion
        prop = face_width_ratio(f)
        if prop > hi:
            p_, (h_,) = beside(prop, hi, digits=2)
            return self.result(Status.FAIL, keep_side(prop, hi, digits=3), f"<= {hi}",
                               _t(f"照片比例失真：人脸被横向拉伸（比例 {p_}，至多 {h_}）",
                                  f"the photo is distorted: the face is stretched sideways (proportion {p_}, at most {h_})"),
                               _t("请用原始照片重新裁剪，缩放时保持长宽比例", "crop again from the original photo and keep its proportions when resizing"),
                               box, [Shape.rect(*f.box)])
        return self.result(Status.PASS, 1, want, _t("检测到一张人脸", "one face found"),
                           shapes=[Shape.rect(*f.box, role=FACE)])


@register
class FacePositionCheck(FaceMeasure):
    id = "face_position"
    kind = "photo"
    title = _t("人脸居中", "Face centred")

    def measure(self, ctx: Context) -> CheckResult:
        head = ctx.head
        assert head is not None
        w = ctx.px_w()
        off = (head.center_x - w / 2) / w
        lim = ctx.rules.position.max_offset
        over = [Shape.vband(w / 2 - lim * w, w / 2 + lim * w, label=CENTRE_BAND),
                Shape.vline(head.center_x, label=CENTRE)]
        if abs(off) > lim:
            side = _t("偏左", "left of centre") if off < 0 else _t("偏右", "right of centre")
            o_, (l_,) = beside(abs(off), lim, digits=1, percent=True)
            return self.result(Status.FAIL, keep_side(off, -lim, lim), f"±{lim}",
                               _t(f"人脸{side.zh} {o_}（允许 ±{l_}）", f"face is {o_} {side.en} (±{l_} allowed)"),
                               FixHint("用“一键修复”重新居中裁剪", "use Fix to re-centre the crop"), shapes=over)
        return self.result(Status.PASS, keep_side(off, -lim, lim), f"±{lim}", _t("人脸水平居中", "face horizontally centred"),
                           shapes=over)


@register
class HeadSizeCheck(FaceMeasure):
    id = "head_size"
    kind = "photo"
    title = _t("头部大小与位置", "Head size and position")

    def measure(self, ctx: Context) -> CheckResult:
        head = ctx.head
        assert head is not None
        r = ctx.rules.head
        H, W = ctx.px_h(), ctx.px_w()
        hr = head.height / H
        wr = head.width / W
        cr = head.crown_y / H
        s_h = _band(hr, r.height_pass, r.height_warn)
        s_w = _band(wr, r.width_warn, None)
        s_w = Status.WARN if s_w is Status.FAIL else s_w  # width is advisory in the pack
        s_c = _band(cr, r.crown_margin) if not head.crown_cut else Status.FAIL
        status = _worst(s_h, s_w, s_c)
        measured = {"height": keep_side(hr, *r.height_pass, *r.height_warn), "width": keep_side(wr, *r.width_warn),
                    "crown": keep_side(cr, *r.crown_margin)}
        limit = {"height": list(r.height_pass), "height_warn": list(r.height_warn), "width": list(r.width_warn),
                 "crown": list(r.crown_margin)}
        over = [Shape.hband(r.crown_margin[0] * H, r.crown_margin[1] * H, label=CROWN_BAND),
                Shape.hband((r.crown_margin[0] + r.height_pass[0]) * H, (r.crown_margin[1] + r.height_pass[1]) * H,
                            label=CHIN_BAND),
                Shape.hline(head.crown_y, label=CROWN), Shape.hline(head.chin_y, label=CHIN),
                Shape.hline(head.eye_y, role=FACE, label=EYES)]
        parts_zh, parts_en = [], []
        if s_h is not Status.PASS:
            big = hr > r.height_pass[1]
            v, (lo, hi) = beside(hr, *r.height_pass, percent=True)
            parts_zh.append(f"头部高度占 {v}（应为 {lo}–{hi}），头{'太大' if big else '太小'}")
            parts_en.append(f"head height is {v} of the photo (need {lo}–{hi}); head too {'large' if big else 'small'}")
        if head.crown_cut:
            parts_zh.append("头顶被裁掉了")
            parts_en.append("the top of the head is cut off")
        elif s_c is not Status.PASS:
            low = cr > r.crown_margin[1]
            v, (lo, hi) = beside(cr, *r.crown_margin, percent=True)
            parts_zh.append(f"头顶距上边 {v}（应为 {lo}–{hi}），{'头部太靠下' if low else '头顶太贴近上边'}")
            parts_en.append(f"crown is {v} below the top (need {lo}–{hi}); "
                            f"{'head too low' if low else 'too close to the top edge'}")
        if s_w is not Status.PASS:
            v, (lo, hi) = beside(wr, *r.width_warn, percent=True)
            parts_zh.append(f"头部宽度占 {v}（建议 {lo}–{hi}）")
            parts_en.append(f"head width is {v} of the photo (advised {lo}–{hi})")
        if status is Status.PASS:
            msg = _t(f"头部高度 {hr:.0%}，头顶距上边 {cr:.0%}", f"head height {hr:.0%}, crown {cr:.0%} from the top")
            hint = EMPTY
        else:
            msg = Text("；".join(parts_zh), "; ".join(parts_en))
            hint = FixHint("用“一键修复”按标准头部比例重新裁剪；头顶被裁掉时请重拍，头顶上方留出空白",
                           "use Fix to re-crop to the standard head proportions; if the crown is cut off, retake with space above the head")
        region = None
        if status is not Status.PASS:
            region = ctx.to_original((head.left_x, head.crown_y, head.width, head.height))
        return self.result(status, measured, limit, msg, hint, region, over)


@register
class TiltCheck(FaceMeasure):
    id = "tilt"
    kind = "photo"
    title = _t("头部倾斜", "Head tilt")

    def measure(self, ctx: Context) -> CheckResult:
        roll = float(ctx.face.roll_deg)
        lim = ctx.rules.tilt.max_deg
        over = [Shape.line(ctx.face.eye_left, ctx.face.eye_right, label=EYES)]
        if abs(roll) > lim:
            v, (l_,) = beside(abs(roll), lim, digits=1)
            return self.result(Status.FAIL, keep_side(roll, -lim, lim, digits=2), f"±{lim}",
                               _t(f"头部倾斜 {v}°（允许 ±{l_}°）", f"head tilted {v}° (±{l_}° allowed)"),
                               FixHint("用“一键修复”自动摆正，或端正头部重新拍摄", "use Fix to level it, or hold your head level and retake"),
                               shapes=over)
        return self.result(Status.PASS, keep_side(roll, -lim, lim, digits=2), f"±{lim}",
                           _t(f"头部端正（{roll:+.1f}°）", f"head level ({roll:+.1f}°)"),
                           shapes=over)


@register
class BackgroundCheck(Check):
    id = "background"
    kind = "photo"
    title = _t("白色背景", "White background")

    def regions(self, ctx: Context) -> list[tuple[str, tuple[int, int, int, int]]]:
        """The whole frame in three parts: above the crown, and the left and right of the
        head's centre line down to the bottom edge (beside the head and the shoulders).
        The person is left out of each when it is judged."""
        r = ctx.rules.background
        H, W = ctx.px_h(), ctx.px_w()
        head = ctx.head
        top_h = int(r.band_top * H)
        cx = W // 2
        if head is not None:
            top_h = int(max(top_h, head.crown_y))
            cx = int(np.clip(head.center_x, 2, W - 2))
        regs = [("left", (0, 0, cx, H)), ("right", (cx, 0, W - cx, H))]
        if top_h >= 2:
            regs.insert(0, ("top", (0, 0, W, min(top_h, H))))
        return regs

    @staticmethod
    def islands(ctx: Context) -> list[tuple[int, int, int, int, np.ndarray, int]]:
        """Non-white pieces joined to the person in colour but outside the segmenter's
        silhouette (grown by the pack's tolerance for hair wisps): a patch of the old wall
        over the hair or beside a collar. (x, y, w, h, contour, area in px) per piece,
        largest first."""
        r = ctx.rules.background
        if not ctx.uniform_background or ctx.face is None:
            return []
        H, W = ctx.px_h(), ctx.px_w()
        k = max(3, int(r.island_tolerance * W)) | 1
        loose = (ctx.person_core & ~ctx.white & ~ctx.silhouette).astype(np.uint8)
        # Opened by the same size: a soft or blurred edge leaves a thin rim, a patch is solid.
        loose = cv2.morphologyEx(loose, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(loose, connectivity=8)
        out = []
        for i in range(1, n):
            x, y, w, h, area = (int(v) for v in stats[i])
            if area < r.island_min_area * H * W:
                continue
            piece = labels[y:y + h, x:x + w] == i
            # A patch of wall is plain; a badge, a print or a pattern on clothes is not. A
            # piece that runs off the frame's top or sides is the wall behind, plain or not.
            at_edge = x == 0 or y == 0 or x + w >= W
            if not at_edge and float(np.std(ctx.lab[y:y + h, x:x + w, 0][piece])) * 100 / 255 > r.island_max_std:
                continue
            cs, _ = cv2.findContours(piece.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            c = max(cs, key=cv2.contourArea).reshape(-1, 2) + (x, y)
            out.append((x, y, w, h, c, area))
        out += BackgroundCheck._foreign(ctx, labels > 0)
        out.sort(key=lambda t: -t[5])
        return out

    @staticmethod
    def _foreign(ctx: Context, listed: np.ndarray) -> list[tuple[int, int, int, int, np.ndarray, int]]:
        """Pieces inside the silhouette beside the head and shoulders in colours the
        person shows nowhere else (a sign or a block of the old wall the segmenter took for
        a shoulder; vision.patches.foreign_in), or beside the head above the chin and not
        coming down from the hair (people behind; vision.patches.beside_head_in), not
        already listed."""
        from ..vision.patches import beside_head_in, foreign_in

        f = ctx.face
        if f.landmarks is None:
            return []
        eye_y = (f.eye_left[1] + f.eye_right[1]) / 2
        person = ctx.person_core & ~ctx.white
        found = foreign_in(ctx.lab, person, f.landmarks[:, :2], eye_y, f.chin[1], ctx.rules)
        found |= beside_head_in(ctx.lab, person, f.chin[1], f.face_left_x, f.face_right_x, eye_y, ctx.rules)
        found &= ~listed
        if not found.any():
            return []
        n, labels, stats, _ = cv2.connectedComponentsWithStats(found.astype(np.uint8), connectivity=8)
        H, W = ctx.px_h(), ctx.px_w()
        out = []
        for i in range(1, n):
            x, y, w, h, area = (int(v) for v in stats[i])
            if area < ctx.rules.background.island_min_area * H * W:
                continue
            cs, _ = cv2.findContours((labels[y:y + h, x:x + w] == i).astype(np.uint8), cv2.RETR_EXTERNAL,
                                     cv2.CHAIN_APPROX_SIMPLE)
            out.append((x, y, w, h, max(cs, key=cv2.contourArea).reshape(-1, 2) + (x, y), area))
        return out

    def run(self, ctx: Context) -> CheckResult:
        r = ctx.rules.background
        bgr = ctx.bgr
        lab = ctx.lab
        white = ctx.white
        stats = {}
        failing = []
        # The person is what the colour difference and the segmenter both leave out: a
        # bright shoulder or white clothes are the person, not background (they get the
        # white-clothes warning); what the colour difference alone joins to the person is
        # judged as islands.
        person = ctx.person_core | ctx.silhouette
        for name, (x, y, w, h) in self.regions(ctx):
            keep = ~person[y:y + h, x:x + w]
            n = int(np.count_nonzero(keep))
            if n == 0 or n < 0.25 * keep.size:  # the strip is mostly person: nothing to judge there
                continue
            frac = float(np.count_nonzero(white[y:y + h, x:x + w] & keep)) / n
            mask = keep.view(np.uint8)
            _, sd = cv2.meanStdDev(np.ascontiguousarray(lab[y:y + h, x:x + w, 0]), mask=mask)
            std = float(sd[0, 0]) * 100 / 255
            mean = [int(v) for v in cv2.mean(bgr[y:y + h, x:x + w], mask=mask)[2::-1]]  # RGB
            stats[name] = {"white_fraction": keep_side(frac, r.min_fraction), "std": keep_side(std, r.max_std, digits=2),
                           "mean_rgb": mean}
            if frac < r.min_fraction or std > r.max_std:
                failing.append((name, (x, y, w, h), frac, std, mean))
        limit = {"min_channel": r.min_channel, "max_chroma": r.max_chroma, "min_fraction": r.min_fraction,
                 "max_std": r.max_std, "island_min_area": r.island_min_area}
        worst = min(stats.values(), key=lambda s: s["white_fraction"]) if stats else {}
        islands = self.islands(ctx) if not failing else []
        H, W = ctx.px_h(), ctx.px_w()
        measured = {"white_fraction": worst.get("white_fraction"), "regions": stats,
                    "islands": [keep_side(i[5] / (H * W), r.island_min_area, digits=4) for i in islands]}
        if islands:
            x, y, w, h, _, _ = islands[0]
            mean = [int(v) for v in cv2.mean(bgr[y:y + h, x:x + w])[2::-1]]
            colour = _describe_colour(mean)
            a_, (m_,) = beside(max(measured["islands"]), r.island_min_area, digits=1, percent=True)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"背景有残留色块（{colour.zh}，占画面 {a_}，连着头发或衣服；"
                                  f"{m_} 起即不合格）",
                                  f"a patch of non-white background clings to the hair or clothes ({colour.en}, "
                                  f"{a_} of the photo; {m_} or more fails)"),
                               FixHint("用“一键修复”换成纯白背景，或在白墙前重拍",
                                       "use Fix to make the background pure white, or retake in front of a white wall"),
                               ctx.to_original((x, y, w, h)),
                               [Shape.polygon([tuple(map(float, p)) for p in i[4]]) for i in islands])
        if failing:
            failing.sort(key=lambda f: f[2])
            name, box, frac, std, mean = failing[0]
            where = {"top": _t("头顶上方", "area above the head"), "left": _t("左侧", "left side"),
                     "right": _t("右侧", "right side")}[name]
            colour = _describe_colour(mean)
            if frac < r.min_fraction:
                f_, (m_,) = beside(frac, r.min_fraction, percent=True)
                msg = _t(f"背景不是白色：{where.zh}只有 {f_} 为白色（至少 {m_}；平均颜色 {colour.zh} RGB{tuple(mean)}）",
                         f"background is not white: only {f_} of the {where.en} is white (at least {m_}; "
                         f"mean colour {colour.en} RGB{tuple(mean)})")
            else:
                msg = _t(f"背景不均匀：{where.zh}有阴影或杂物", f"background is uneven: shadows or objects at the {where.en}")
            return self.result(Status.FAIL, measured, limit, msg,
                               FixHint("用“一键修复”换成纯白背景，或在白墙前、光线均匀处重拍",
                                       "use Fix to make the background pure white, or retake in front of a white wall in even light"),
                               ctx.to_original(box), [Shape.rect(*f[1]) for f in failing])
        warn = self._white_clothes(ctx)
        if warn is not None:
            return self.result(Status.WARN, measured, limit,
                               _t("白色衣服与背景融为一体，可能被判为背景", "white clothing merges into the background"),
                               _t("建议换深色上衣重新拍摄", "wear a darker top and retake"), ctx.to_original(warn))
        return self.result(Status.PASS, measured, limit, _t("背景为均匀白色", "background is uniform white"))

    @staticmethod
    def _white_clothes(ctx: Context) -> tuple[int, int, int, int] | None:
        head = ctx.head
        if head is None:
            return None
        H, W = ctx.px_h(), ctx.px_w()
        y0 = int(min(H - 1, head.chin_y + 0.08 * H))
        if y0 >= H - 4:
            return None
        person = ctx.person_mask[y0:] > 0.5
        if person.mean() < 0.15:
            return None
        frac = float(np.count_nonzero(ctx.white[y0:] & person)) / max(1, int(np.count_nonzero(person)))
        if frac > 0.5:
            return (0, y0, W, H - y0)
        return None


def _describe_colour(rgb: list[int]) -> Text:
    r, g, b = rgb
    hsv = cv2.cvtColor(np.uint8([[[b, g, r]]]), cv2.COLOR_BGR2HSV)[0, 0]
    hue, sat, val = int(hsv[0]) * 2, int(hsv[1]), int(hsv[2])
    if sat < 30:
        if val > 225:
            return _t("近白", "near white")
        return _t("灰色", "grey") if val > 60 else _t("黑色", "black")
    names = [(20, "红", "red"), (45, "橙", "orange"), (70, "黄", "yellow"), (160, "绿", "green"),
             (200, "青", "cyan"), (260, "蓝", "blue"), (320, "紫", "purple"), (360, "红", "red")]
    for edge, zh, en in names:
        if hue < edge:
            return _t(zh + "色", en)
    return _t("彩色", "coloured")


@register
class ExposureCheck(FaceMeasure):
    id = "exposure"
    kind = "photo"
    title = _t("曝光与反光", "Exposure and glare")

    def measure(self, ctx: Context) -> CheckResult:
        r = ctx.rules.exposure
        region = ctx.upper_face
        grey = ctx.grey
        vals = grey[region] if region is not None and region.any() else grey.ravel()
        median = float(np.median(vals))
        skin = ctx.upper_skin
        skin_vals = grey[skin] if skin is not None and skin.any() else vals
        p10, p90 = np.percentile(skin_vals, [10, 90])
        ratio = float(p10 / max(1.0, p90))
        dark = float((vals <= 10).mean())
        bright = float((vals >= 250).mean())
        # The face's own highlights (the light on the forehead and nose, the whites of the
        # eyes): they show how much light fell on it, whatever the skin's tone.
        highlight = float(np.percentile(vals, 99.5))
        bg_light = self._background_light(ctx)
        glare = self._glare(ctx)
        uneven = self._uneven(ctx)
        measured = {"face_median": keep_side(median, r.face_mean_min, r.face_mean_max, digits=1),
                    "highlight": keep_side(highlight, r.highlight_min, r.shadow_highlight_max, digits=1),
                    "background": None if bg_light is None else round(bg_light, 1),
                    "shadow_ratio": keep_side(ratio, r.shadow_ratio_min, r.dim_shadow_ratio, digits=3),
                    "dark": keep_side(dark, r.max_clipped_dark, r.dim_clipped_dark), "bright": keep_side(bright, r.max_clipped_bright),
                    "glare": keep_side(glare, r.glare_warn), "uneven": keep_side(uneven, r.contrast_warn, digits=3)}
        limit = {"face_median": [r.face_mean_min, r.face_mean_max], "highlight": r.highlight_min,
                 "shadow_ratio": r.shadow_ratio_min,
                 "dark": r.max_clipped_dark, "dim_dark": r.dim_clipped_dark, "dim_ratio": r.dim_shadow_ratio, "dim_below": r.shadow_highlight_max, "bright": r.max_clipped_bright, "glare_warn": r.glare_warn,
                 "uneven_warn": r.contrast_warn}
        box = ctx.to_original(ctx.face.box)
        retake = _t("请在光线充足、均匀的地方面向光源重拍", "retake facing the light, in bright even light")
        # Under-exposed: a dark face whose brightest parts are dim too. Dark skin in good
        # light keeps bright highlights and eye whites, and passes.
        if median < r.face_mean_min and highlight < r.highlight_min:
            v, (m_,) = beside(highlight, r.highlight_min)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"脸部曝光不足：最亮处也只有 {v}（至少 {m_}）",
                                  f"the face is underexposed: even its highlights reach only {v} (need {m_})"),
                               retake, box)
        if dark > r.max_clipped_dark:
            v, (m_,) = beside(dark, r.max_clipped_dark, digits=1, percent=True)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"脸部暗部死黑（{v}，至多 {m_}）", f"the face's shadows are crushed to black ({v}, at most {m_})"),
                               retake, box)
        # Deep shadows and crushed skin count where the light is weak: the highlights
        # say so, not the skin's own tone (a dark face keeps its contrast ratio).
        dim_light = highlight < r.shadow_highlight_max
        if dim_light and ratio < r.shadow_ratio_min:
            v, (m_,) = beside(ratio, r.shadow_ratio_min, digits=2)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"脸部偏暗且阴影很重（暗部/亮部 {v}，至少 {m_}）",
                                  f"the face is dim with deep shadows (shadow/highlight {v}, need {m_})"),
                               retake, box)
        if dim_light and ratio < r.dim_shadow_ratio and dark > r.dim_clipped_dark:
            v, (m_,) = beside(dark, r.dim_clipped_dark, digits=1, percent=True)
            return self.result(Status.FAIL, measured, limit,
                               _t(f"脸部偏暗，暗部已死黑（{v}，至多 {m_}）",
                                  f"the face is dim with shadows crushed to black ({v}, at most {m_})"),
                               retake, box)
        if median > r.face_mean_max or bright > r.max_clipped_bright:
            if median > r.face_mean_max:
                v, (m_,) = beside(median, r.face_mean_max)
                what = _t(f"亮度 {v}，至多 {m_}", f"brightness {v}, at most {m_}")
            else:
                v, (m_,) = beside(bright, r.max_clipped_bright, digits=1, percent=True)
                what = _t(f"过亮区域 {v}，至多 {m_}", f"{v} blown out, at most {m_}")
            return self.result(Status.FAIL, measured, limit,
                               _t(f"脸部过曝（{what.zh}）", f"the face is overexposed ({what.en})"),
                               _t("请避免强光直射或闪光灯，重新拍摄", "avoid direct strong light or flash and retake"), box)
        if glare > r.glare_warn:
            return self.result(Status.WARN, measured, limit,
                               _t("眼镜可能有反光", "possible glare on glasses"),
                               _t("请调整角度或摘下眼镜重拍，避免镜片反光", "tilt the glasses or remove them to avoid reflections"),
                               box)
        if uneven > r.contrast_warn:
            return self.result(Status.WARN, measured, limit,
                               _t("脸部光线不均匀（阴阳脸）", "uneven light on the face (one side darker)"),
                               _t("请让光线从正面均匀照射", "light the face evenly from the front"), box)
        return self.result(Status.PASS, measured, limit, _t(f"曝光正常（亮度 {median:.0f}）", f"exposure OK (brightness {median:.0f})"))

    @staticmethod
    def _background_light(ctx: Context) -> float | None:
        """Median luma of the background (outside the person), for the report: a bright
        background behind a dim face is backlight."""
        bg = ~ctx.person_core
        if int(np.count_nonzero(bg)) < 100:
            return None
        return float(np.median(ctx.grey[bg]))

    @staticmethod
    def _glare(ctx: Context) -> float:
        """Fraction of near-white, low-saturation pixels around the eyes (specular glare)."""
        f = ctx.face
        fw = max(8.0, f.face_right_x - f.face_left_x)
        r = int(0.16 * fw)
        hsv = cv2.cvtColor(ctx.bgr, cv2.COLOR_BGR2HSV)
        total, hits = 0, 0
        for (ex, ey) in (f.eye_left, f.eye_right):
            x0, x1 = int(max(0, ex - r)), int(min(ctx.px_w(), ex + r))
            y0, y1 = int(max(0, ey - r * 0.6)), int(min(ctx.px_h(), ey + r * 0.6))
            patch = hsv[y0:y1, x0:x1]
            if patch.size == 0:
                continue
            total += patch.shape[0] * patch.shape[1]
            hits += int(((patch[..., 2] >= 245) & (patch[..., 1] <= 30)).sum())
        return hits / total if total else 0.0

    @staticmethod
    def _uneven(ctx: Context) -> float:
        """Relative brightness difference between the left and right halves of the face."""
        region = ctx.face_region
        if region is None:
            return 0.0
        cx = int(ctx.head.center_x) if ctx.head else ctx.px_w() // 2
        left = ctx.grey[:, :cx][region[:, :cx]]
        right = ctx.grey[:, cx:][region[:, cx:]]
        if len(left) < 20 or len(right) < 20:
            return 0.0
        a, b = float(left.mean()), float(right.mean())
        return abs(a - b) / max(1.0, max(a, b))


@register
class SharpnessCheck(FaceMeasure):
    id = "sharpness"
    kind = "photo"
    title = _t("清晰度", "Sharpness")

    def measure(self, ctx: Context) -> CheckResult:
        r = ctx.rules.sharpness
        crop = ctx.face_crop_grey
        if crop is None:
            return self.result(Status.FAIL, None, r.min_score, _t("脸部太小，无法判断清晰度", "face too small to judge sharpness"))
        score = sharpness_score(crop, r.face_width_px)
        limit = {"min": r.min_score, "warn_below": r.warn_score}
        box = ctx.to_original(ctx.face.box)
        shown = keep_side(score, r.min_score, r.warn_score, digits=1)
        if score < r.min_score:
            v, (m_,) = beside(score, r.min_score)
            return self.result(Status.FAIL, shown, limit,
                               _t(f"脸部模糊（清晰度 {v}，至少 {m_}）", f"the face is blurred (sharpness {v}, need {m_})"),
                               _t("请对焦在脸上、保持相机稳定重新拍摄；模糊无法修复",
                                  "retake with the focus on the face and the camera steady; blur cannot be fixed"), box)
        if score < r.warn_score:
            v, (w_,) = beside(score, r.warn_score)
            return self.result(Status.WARN, shown, limit,
                               _t(f"脸部略有模糊（清晰度 {v}，低于 {w_} 时提醒）",
                                  f"the face is slightly soft (sharpness {v}; below {w_} is flagged)"),
                               _t("如被退回，请重新对焦拍摄", "if it is rejected, retake in focus"), box)
        return self.result(Status.PASS, shown, limit, _t(f"清晰（{score:.0f}）", f"sharp ({score:.0f})"))


def sharpness_score(grey_face: np.ndarray, width: int) -> float:
    """Variance of the Laplacian of the face resampled to a fixed width,
    normalised by the face's own contrast so lighting does not dominate."""
    h, w = grey_face.shape[:2]
    s = width / w
    face = cv2.resize(grey_face, (width, max(8, int(round(h * s)))),
                      interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC).astype(np.float32)
    lap = cv2.Laplacian(face, cv2.CV_32F, ksize=3)
    contrast = float(face.std()) + 1e-3
    return float(lap.var()) / contrast * 10.0


# The checks of the person (pose, eyes, expression, ...) come after these eleven.
from . import person as _person  # noqa: E402,F401
# ... and compression after them (issue 15).
from . import compression as _compression  # noqa: E402,F401
# ... and recency last: it judges the source photo's date, not its pixels.
from . import recency as _recency  # noqa: E402,F401

# The modules whose checks make up the photo kind, in report order (checks_for sorts by it).
CHECK_MODULES = (__name__, _person.__name__, _compression.__name__, _recency.__name__)
