"""``photocheck --self-test``: prove that an installed (or frozen) app has what it needs.

Each step exercises one piece the way the app uses it, on inputs drawn here in code
(nothing is read from outside the installation):

1. rule packs: every pack in ``resources/rules`` loads;
2. models: every file in the manifest is present with its sha256, and loads in the
   runtime that will run it (cv2.dnn for ``.tflite``, onnxruntime for ``.onnx``);
3. face detector: finds exactly the one face in a drawn portrait, and measures a
   10-degree head roll within 3 degrees;
4. segmenter: gives a person mask of the image's size, high on the face and low on
   the white background;
5. OCR: finds and reads a printed line, and the direction classifier calls it upright;
6. photo checks: the whole ``check`` pipeline runs on the drawn portrait (JPEG bytes)
   and reports every check id with no error;
7. signatures: an Ed25519 key made in memory signs a review decision's bytes, the
   signature verifies, and the same signature on changed bytes does not (libsodium
   through PyNaCl is what a frozen app most easily leaves behind);
8. worker processes: ``batch.run`` starts two worker processes and gets their results
   (in a frozen app this is what ``multiprocessing.freeze_support`` must make work);
9. Qt: the offscreen platform, the JPEG plugin, Qt's Chinese translation, the app's
   translations and a font with Chinese glyphs are all found;
10. GUI: the GUI executable itself starts in screenshot mode, builds its main window
   offscreen and saves a non-blank picture of it.

Every step runs even when an earlier one failed. The exit code is 0 when all pass,
else 3, and each broken piece is named on stderr. No display is needed: Qt is forced
onto the offscreen platform for this process.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .errors import PhotocheckError
from .text import Text

log = logging.getLogger("photocheck.selftest")

EXIT_BROKEN = 3
GUI_TIMEOUT_S = 180.0


class StepFailed(Exception):
    """A step ran but its result is wrong; the message says what was expected."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


@dataclass
class StepResult:
    id: str
    title: Text
    ok: bool
    detail: Text
    ms: float

    def to_json(self, lang: str) -> dict:
        return {"id": self.id, "title": self.title.get(lang), "ok": self.ok,
                "detail": self.detail.get(lang), "ms": round(self.ms, 1)}


# --------------------------------------------------------------------------- test images


def draw_portrait(width: int = 390, height: int = 567, roll_deg: float = 0.0) -> np.ndarray:
    """A flat-shaded head-and-shoulders portrait on white (BGR uint8).

    Proportions follow a registration photo: face centred, about a third of the width.
    ``roll_deg`` turns the picture clockwise about the face centre, which the face
    detector reports as a positive roll.
    """
    import cv2

    img = np.full((height, width, 3), 255, np.uint8)
    cx, cy = width // 2, int(height * 0.43)
    fw, fh = int(width * 0.30), int(height * 0.23)  # half axes of the face oval

    def p(dx: float, dy: float) -> tuple[int, int]:
        return cx + int(dx * fw), cy + int(dy * fh)

    def ax(a: float, b: float) -> tuple[int, int]:
        return int(a * fw), int(b * fh)

    skin, shade, hair = (150, 180, 225), (120, 145, 190), (40, 45, 60)
    cv2.ellipse(img, (cx, height + height // 20), (int(width * 0.52), int(height * 0.30)),
                0, 180, 360, (90, 60, 40), -1)  # shoulders
    cv2.rectangle(img, p(-0.45, 0.6), p(0.45, 1.35), (130, 160, 205), -1)  # neck
    cv2.ellipse(img, p(0, -0.12), ax(1.1, 1.08), 0, 180, 360, hair, -1)
    cv2.ellipse(img, (cx, cy), (fw, fh), 0, 0, 360, skin, -1)
    cv2.ellipse(img, p(0, -0.72), ax(0.98, 0.38), 0, 180, 360, hair, -1)  # fringe
    for s in (-1, 1):
        cv2.ellipse(img, p(s * 0.98, 0.05), ax(0.12, 0.2), 0, 0, 360, (135, 165, 210), -1)  # ear
        eye = p(s * 0.42, -0.12)
        cv2.ellipse(img, p(s * 0.42, -0.32), ax(0.25, 0.06), 0, 180, 360, (50, 55, 70), 6)  # brow
        cv2.ellipse(img, eye, ax(0.2, 0.075), 0, 0, 360, (245, 245, 245), -1)
        cv2.circle(img, eye, int(fh * 0.065), (60, 70, 90), -1)
        cv2.circle(img, eye, int(fh * 0.03), (10, 10, 10), -1)
        cv2.ellipse(img, eye, ax(0.2, 0.075), 0, 180, 360, (60, 70, 90), 2)
    cv2.line(img, p(0, -0.07), p(-0.05, 0.25), shade, 3)  # nose
    cv2.ellipse(img, p(0, 0.28), ax(0.14, 0.05), 0, 0, 180, (110, 135, 180), 3)
    cv2.ellipse(img, p(0, 0.52), ax(0.3, 0.08), 0, 0, 180, (80, 80, 170), -1)  # mouth
    cv2.line(img, p(-0.3, 0.52), p(0.3, 0.52), (60, 60, 130), 2)
    img = cv2.GaussianBlur(img, (0, 0), 2.0)
    if roll_deg:
        m = cv2.getRotationMatrix2D((float(cx), float(cy)), -roll_deg, 1.0)
        img = cv2.warpAffine(img, m, (width, height), borderValue=(255, 255, 255))
    return img


PRINTED_LINE = "PHOTOCHECK 2024"


def draw_text_card() -> np.ndarray:
    """One printed line, black on white (BGR uint8)."""
    import cv2

    img = np.full((220, 960, 3), 255, np.uint8)
    cv2.putText(img, PRINTED_LINE, (40, 140), cv2.FONT_HERSHEY_SIMPLEX, 2.2, (20, 20, 20), 5,
                cv2.LINE_AA)
    return img


# --------------------------------------------------------------------------- steps


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


def step_rules() -> Text:
    from .rules import available_packs, load_pack

    names = available_packs()
    if not names:
        raise StepFailed(_t("没有找到任何规则包", "no rule pack found"))
    labels = ", ".join(load_pack(n).label for n in names)
    return Text(labels, labels)


def step_models() -> Text:
    from . import models

    problems = models.verify_all()
    if problems:
        raise StepFailed(Text("；".join(p.text.zh for p in problems), "; ".join(p.text.en for p in problems)))
    names = []
    for spec in models.manifest().models:
        path = str(models.path(spec.name))
        if spec.name.endswith(".tflite"):
            import cv2

            from .vision._nets import model_buffer

            net = cv2.dnn.readNetFromTFLite(model_buffer(path))
            if net.empty():
                raise StepFailed(_t(f"{spec.name} 无法加载", f"{spec.name} does not load"))
        elif spec.name.endswith(".onnx"):
            import onnxruntime as ort

            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            if not sess.get_inputs():
                raise StepFailed(_t(f"{spec.name} 没有输入", f"{spec.name} has no inputs"))
        names.append(spec.name)
    return _t(f"{len(names)} 个，已校验并加载", f"{len(names)}, verified and loaded")


def step_face() -> Text:
    from .vision.face import get_detector

    det = get_detector()
    faces = det.detect(draw_portrait())
    if len(faces) != 1:
        raise StepFailed(_t(f"绘制的人像中应找到 1 张脸，实际 {len(faces)} 张",
                            f"expected 1 face in the drawn portrait, found {len(faces)}"))
    cx, cy = faces[0].center
    if abs(cx - 195) > 20 or abs(cy - 244) > 40:  # drawn at (width/2, 0.43 * height)
        raise StepFailed(_t(f"人脸位置有误：中心 ({cx:.0f}, {cy:.0f})，应在 (195, 244) 附近",
                            f"face found in the wrong place: centre ({cx:.0f}, {cy:.0f}), expected near (195, 244)"))
    level = faces[0].roll_deg
    tilted = det.detect(draw_portrait(roll_deg=10.0))
    if len(tilted) != 1 or abs(tilted[0].roll_deg - 10.0) > 3.0 or abs(level) > 3.0:
        got = f"{tilted[0].roll_deg:.1f}" if len(tilted) == 1 else f"{len(tilted)} faces"
        raise StepFailed(_t(f"倾斜测量有误：0° 测得 {level:.1f}°，10° 测得 {got}",
                            f"roll measured wrong: 0° gave {level:.1f}°, 10° gave {got}"))
    x, y, w, h = faces[0].box
    return _t(f"1 张脸 {w:.0f}×{h:.0f}，倾斜 0°/10° 测得 {level:.1f}°/{tilted[0].roll_deg:.1f}°",
              f"1 face {w:.0f}x{h:.0f}, roll 0°/10° measured {level:.1f}°/{tilted[0].roll_deg:.1f}°")


def step_segment() -> Text:
    from .vision.segment import get_segmenter

    img = draw_portrait()
    mask = np.asarray(get_segmenter().mask(img), dtype=np.float32)
    if mask.shape[:2] != img.shape[:2]:
        raise StepFailed(_t(f"掩膜尺寸 {mask.shape} 与图像 {img.shape[:2]} 不符",
                            f"mask shape {mask.shape} does not match the image {img.shape[:2]}"))
    if not np.isfinite(mask).all():
        raise StepFailed(_t("掩膜含无效值", "mask holds NaN or infinite values"))
    if mask.max() > 1.0 + 1e-3:
        mask = mask / 255.0
    h, w = mask.shape[:2]
    face = float(mask[int(h * 0.36):int(h * 0.50), int(w * 0.40):int(w * 0.60)].mean())
    corners = float(np.concatenate([mask[: h // 8, : w // 8].ravel(), mask[: h // 8, -w // 8:].ravel()]).mean())
    if not face > 0.5 > corners:
        raise StepFailed(_t(f"人像分割不合理：脸部 {face:.2f}，背景角落 {corners:.2f}",
                            f"implausible person mask: face {face:.2f}, background corners {corners:.2f}"))
    return _t(f"脸部 {face:.2f}，背景 {corners:.2f}", f"face {face:.2f}, background {corners:.2f}")


def step_ocr() -> Text:
    from .vision import text as ocr

    img = draw_text_card()
    boxes = ocr.detect(img)
    if not boxes:
        raise StepFailed(_t("印刷文字未被检测到", "the printed line was not detected"))
    crops = [ocr.crop(img, b) for b in boxes]
    read = " ".join(r.text for r in ocr.recognise(crops))
    if "2024" not in read or "CHECK" not in read.upper():
        raise StepFailed(_t(f"文字识别有误：应为 {PRINTED_LINE!r}，读出 {read!r}",
                            f"text misread: expected {PRINTED_LINE!r}, read {read!r}"))
    flipped = max(ocr.direction(crops))
    if flipped > 0.5:
        raise StepFailed(_t(f"方向分类有误：正向文字被判为倒置（{flipped:.2f}）",
                            f"direction classifier calls upright text upside down ({flipped:.2f})"))
    return Text(repr(read), repr(read))


def step_photo_checks() -> Text:
    import cv2

    from . import core
    from .checks.base import checks_for

    ok, buf = cv2.imencode(".jpg", draw_portrait(), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise StepFailed(_t("JPEG 编码失败", "JPEG encoding failed"))
    rep = core.check_file(buf.tobytes(), kind="photo", label="selftest.jpg")
    if rep.error is not None:
        raise StepFailed(_t(f"检测出错：{rep.error.text.zh}", f"check raised an error: {rep.error.text.en}"))
    want = [c.id for c in checks_for("photo")]
    got = [c.id for c in rep.checks]
    if got != want or not got:
        raise StepFailed(_t(f"检测项不全：{got}", f"incomplete checks: {got} (expected {want})"))
    bad = ", ".join(rep.failing) or "-"
    # The drawing is framed loosely (its head is small and low), so the fixer has real work:
    # crop, whiten, encode and seal. Its output must pass every check and carry a good seal.
    from .fix import seal

    res = core.fix(buf.tobytes(), kind="photo", label="selftest-fixed.jpg")
    if not res.images:
        err = res.error.text if res.error else _t("没有输出", "no output")
        raise StepFailed(_t(f"修复失败：{err.zh}", f"the fix failed: {err.en}"))
    if not res.ok:
        failing = ", ".join(sorted({c for r in res.reports for c in r.failing})) or "-"
        raise StepFailed(_t(f"修复后的照片未通过：{failing}", f"the fixed photo fails: {failing}"))
    if not seal.verify(res.images[0].data).intact:
        raise StepFailed(_t("修复后的照片检测印记无效", "the fixed photo's seal does not verify"))
    return _t(f"{len(got)} 项已运行，原图未通过：{bad}；修复后全部通过，印记有效",
              f"{len(got)} ran, the drawing fails: {bad}; fixed, it passes all and its seal verifies")


def step_formats() -> Text:
    """The formats candidates bring besides JPEG and PNG are readable: HEIC from iPhones
    (its HEVC decoder is a library the HEIC reader loads itself), WebP and PDF."""
    import io as _io

    from PIL import Image

    from . import io as pio
    from .fix.material import render_pdf

    if not pio.register_heif():
        raise StepFailed(_t("缺少 HEIC 读取库（pi-heif）", "the HEIC reader (pi-heif) is missing"))
    import pi_heif

    decoders = pi_heif.libheif_info().get("decoders") or {}
    if not any("265" in f"{k} {v}" or "HEVC" in f"{k} {v}" for k, v in decoders.items()):
        raise StepFailed(_t("HEIC 读取库缺少 HEVC 解码器", "the HEIC reader has no HEVC decoder"))
    buf = _io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buf, "WEBP")
    bgr = pio.decode(pio.probe(buf.getvalue())).bgr
    if bgr.shape[:2] != (16, 16) or bgr[8, 8, 2] < 150:
        raise StepFailed(_t("WebP 图片读取错误", "a WebP image reads wrong"))
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(200, 300)
    buf = _io.BytesIO()
    doc.save(buf)
    doc.close()
    pages, total = render_pdf(pio.probe(buf.getvalue()), 600, 1)
    if total != 1 or pages[0].shape[:2] != (600, 400):
        raise StepFailed(_t("PDF 页面渲染错误", "a PDF page renders wrong"))
    return Text("HEIC、WebP、PDF", "HEIC, WebP, PDF")


def step_signing() -> Text:
    from .submission import signing

    key = signing.ReviewerKey.generate()            # in memory: nothing of the user's is touched
    msg = signing.message("selftest", "0" * 64)
    sig = key.sign(msg)
    if not signing.verify_signature(key.public_hex, msg, sig):
        raise StepFailed(_t("签名无法验证", "a signature does not verify"))
    if signing.verify_signature(key.public_hex, msg + b"x", sig):
        raise StepFailed(_t("改动后的内容仍通过签名验证", "a signature verifies on changed bytes"))
    return _t(f"Ed25519 签名与验证（密钥指纹 {signing.fingerprint(key.public_hex)}）",
              f"Ed25519 sign and verify (key {signing.fingerprint(key.public_hex)})")


def _worker_pid(_: int) -> int:
    return os.getpid()


def step_workers() -> Text:
    from . import batch

    pids = list(batch.run(_worker_pid, range(batch.MIN_PARALLEL), jobs=2, mode="process"))
    if len(pids) != batch.MIN_PARALLEL or os.getpid() in pids:
        raise StepFailed(_t("并行处理未在子进程中运行", "batch work did not run in worker processes"))
    return _t(f"{len(pids)} 个任务在 {len(set(pids))} 个子进程中完成",
              f"{len(pids)} jobs done in {len(set(pids))} worker process(es)")


def _qt_app() -> Any:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # this process only: no display needed
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "photocheck", "-platform", "offscreen"])
    return app


def step_qt() -> Text:
    from PySide6.QtCore import QLibraryInfo, QTranslator
    from PySide6.QtGui import QFontDatabase, QImageReader

    from .resources import resource_path

    app = _qt_app()
    missing: list[str] = []
    if app.platformName() != "offscreen":
        missing.append(f"platform offscreen (got {app.platformName()})")
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    if "jpeg" not in formats:
        missing.append("imageformats/jpeg")
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", qt_dir):
        missing.append(f"qtbase_zh_CN.qm in {qt_dir}")
    app_qm = sorted(resource_path("i18n").glob("*.qm"))
    for qm in app_qm:
        if not QTranslator().load(str(qm)):
            missing.append(f"{qm.name} (unreadable)")
    if not app_qm and any(resource_path("i18n").glob("*.ts")):
        missing.append("resources/i18n/*.qm (translations not compiled)")
    cjk = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not cjk:
        missing.append("a font with Chinese glyphs")
    if missing:
        raise StepFailed(_t("缺少：" + "；".join(missing), "missing: " + "; ".join(missing)))
    return _t(f"中文字体 {cjk[0]}，界面翻译 {len(app_qm)} 个", f"CJK font {cjk[0]}, {len(app_qm)} UI translation(s)")


def gui_command(*args: str) -> list[str]:
    """How to start the GUI as its own process: the windowed executable beside this one
    in an installed app, ``python -m photocheck.gui.app`` in a source tree."""
    from .resources import IS_FROZEN

    if IS_FROZEN:
        exe = Path(sys.executable)
        return [str(exe.with_name("photocheck-gui" + exe.suffix)), *args]
    return [sys.executable, "-m", "photocheck.gui.app", *args]


def step_gui() -> Text:
    """Start the real GUI executable in screenshot mode: it builds the main window
    offscreen, loads nothing, saves the window as PNG and exits 0."""
    import subprocess
    import tempfile

    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="photocheck-selftest-") as tmp:
        png = Path(tmp) / "window.png"
        cmd = gui_command("--screenshot", str(png), "--size", "1024x700")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace",
                                  timeout=GUI_TIMEOUT_S, check=False)
        except FileNotFoundError:
            raise StepFailed(_t(f"找不到图形界面程序：{cmd[0]}", f"GUI executable not found: {cmd[0]}")) from None
        except subprocess.TimeoutExpired:
            raise StepFailed(_t(f"图形界面 {GUI_TIMEOUT_S:.0f} 秒内未完成截图",
                                f"the GUI did not finish its screenshot within {GUI_TIMEOUT_S:.0f} s")) from None
        if proc.returncode != 0 or not png.is_file():
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            log.error("GUI screenshot failed (exit %s): %s", proc.returncode, proc.stderr)
            why = " | ".join(tail) or "-"
            raise StepFailed(_t(f"图形界面启动失败（退出码 {proc.returncode}）：{why}",
                                f"the GUI failed (exit code {proc.returncode}): {why}"))
        with Image.open(png) as im:
            size = im.size
            extrema = im.convert("L").getextrema()
    if size[0] < 400 or size[1] < 300 or extrema[1] - extrema[0] < 32:
        raise StepFailed(_t(f"主窗口截图异常（{size[0]}×{size[1]}，亮度范围 {extrema}）",
                            f"the main window screenshot looks wrong ({size[0]}x{size[1]}, range {extrema})"))
    return _t(f"主窗口已在屏外绘制 {size[0]}×{size[1]}", f"main window drawn offscreen, {size[0]}x{size[1]}")


STEPS: tuple[tuple[str, Text, Callable[[], Text]], ...] = (
    ("rules", _t("规则包", "rule packs"), step_rules),
    ("models", _t("模型文件", "model files"), step_models),
    ("face", _t("人脸检测", "face detector"), step_face),
    ("segment", _t("人像分割", "segmenter"), step_segment),
    ("ocr", _t("文字识别", "text recognition"), step_ocr),
    ("photo_checks", _t("照片检测与修复", "photo check and fix"), step_photo_checks),
    ("formats", _t("其他图片格式", "other image formats"), step_formats),
    ("signing", _t("审核签名", "review signatures"), step_signing),
    ("workers", _t("并行处理", "worker processes"), step_workers),
    ("qt", _t("Qt 运行环境", "Qt runtime"), step_qt),
    ("gui", _t("图形界面", "GUI window"), step_gui),
)


def run_steps(only: list[str] | None = None) -> list[StepResult]:
    results = []
    for sid, title, fn in STEPS:
        if only is not None and sid not in only:
            continue
        t0 = time.perf_counter()
        try:
            detail, ok = fn(), True
        except StepFailed as e:
            detail, ok = e.text, False
        except Exception as e:  # noqa: BLE001 - a broken piece is a finding, not a crash
            log.exception("self-test step %s", sid)
            if isinstance(e, PhotocheckError):
                detail = e.text
            elif isinstance(e, ImportError):
                name = getattr(e, "name", None) or str(e)
                detail = _t(f"缺少模块 {name}", f"module {name} is missing")
            else:
                detail = _t(f"{type(e).__name__}：{e}", f"{type(e).__name__}: {e}")
            ok = False
        results.append(StepResult(sid, title, ok, detail, (time.perf_counter() - t0) * 1000))
    return results


def run_self_test(out: Any, only: list[str] | None = None) -> int:
    """Run the steps, print one line per step, return 0 (all pass) or 3 (something broken).

    ``out`` is the CLI's ``Out``: ``.line(str)`` for stdout, ``.err(Text)`` for stderr,
    ``.json`` to print one JSON object instead, ``.lang`` for its language.
    """
    from .logsetup import setup_logging
    from .resources import IS_FROZEN, bundle_root, models_dir, resources_dir

    log_path = setup_logging()
    t0 = time.perf_counter()
    results = run_steps(only)
    total_ms = (time.perf_counter() - t0) * 1000
    broken = [r for r in results if not r.ok]
    lang = getattr(out, "lang", "zh_CN")
    if getattr(out, "json", False):
        out.emit_json({
            "ok": not broken, "version": __version__, "frozen": IS_FROZEN,
            "bundle": str(bundle_root()) if bundle_root() else None,
            "resources": str(resources_dir()), "models": str(models_dir()),
            "elapsed_ms": round(total_ms, 1), "steps": [r.to_json(lang) for r in results],
        })
    else:
        where = _t("打包版", "frozen") if IS_FROZEN else _t("开发环境", "source tree")
        out.line(f"photocheck {__version__} [{out.t(where)}]")
        for r in results:
            mark = "✓" if r.ok else "✗"
            out.line(f"{mark} {out.t(r.title)}: {out.t(r.detail)}  [{r.ms:.0f} ms]")
    if broken:
        out.err(_t("自检失败：" + "、".join(r.title.zh for r in broken),
                   "self-test failed: " + ", ".join(r.title.en for r in broken)))
        for r in broken:
            out.err(_t(f"  {r.title.zh}：{r.detail.zh}", f"{r.title.en}: {r.detail.en}"))
        if log_path is not None:
            out.err(_t(f"详情见日志：{log_path}", f"details in the log: {log_path}"))
        return EXIT_BROKEN
    if not getattr(out, "json", False):
        out.line(out.t(_t(f"自检通过（{len(results)} 项，{total_ms:.0f} 毫秒）",
                          f"self-test passed ({len(results)} steps, {total_ms:.0f} ms)")))
    return 0
