"""Checks of the person in the portrait: pose, eyes, expression, glasses, head
covering, occlusion and accessories (issue 16), registered after the eleven
checks of ``checks.photo``.

The measures live in ``vision.person`` and are computed once per file on the
photo ``Context``. Every measure states a confidence; a check fails only when the
value is beyond the pack's fail limit *and* the confidence reaches the pack's
``fail_confidence``. Otherwise it warns and says what to look at, so a candidate
flagged by mistake gets advice, not a refusal. The fixer cannot repair any of
these, so their hints are retake advice (plain ``Text``): a refused fix passes
them on (core._recheck_refusal).
"""

from __future__ import annotations

import math

import numpy as np

from ..numbers import beside, limit_text
from ..text import Text
from .base import CheckResult, Status, register
from .photo import Context, FaceMeasure, _t
from .shapes import FACE, Shape

RETAKE_POSE = _t("请正对镜头、双眼平视，重新拍摄", "face the camera squarely with your eyes level and retake")


def _verdict(beyond_fail: bool, beyond_warn: bool, confidence: float, needed: float) -> Status:
    if beyond_fail and confidence >= needed:
        return Status.FAIL
    if beyond_fail or beyond_warn:
        return Status.WARN
    return Status.PASS


def _signed_degrees(v: float) -> str:
    """Whole degrees with a sign; anything that rounds to nought reads "0", never "-0"."""
    r = round(v)
    return "0" if r == 0 else f"{r:+d}"


def _unsure(status: Status, beyond_fail: bool) -> bool:
    """Beyond the fail limit but not sure enough to fail."""
    return status is Status.WARN and beyond_fail


def _trust(ctx: Context, px: float, sure_px: float) -> float:
    """The mesh's own score, lowered when the feature measured spans few pixels."""
    from ..vision.person import _size_trust

    return ctx.face.landmark_score * _size_trust(px, sure_px)


UNSURE = _t("（测量把握不大，请自己核对）", " (the measurement is not sure; please check)")


class PersonCheck(FaceMeasure):
    kind = "photo"
    retake: Text = RETAKE_POSE       # what to do when it is not passed: each check's own retake advice

    def advise(self, status: Status, measured, limit, message: Text, region, shapes) -> CheckResult:
        """A warning or failure with this check's retake advice as its hint."""
        return self.result(status, measured, limit, message, self.retake, region, shapes)

    def box(self, ctx: Context) -> tuple[int, int, int, int]:
        return ctx.to_original(ctx.face.box)


@register
class PoseCheck(PersonCheck):
    id = "pose"
    title = _t("头部姿态", "Head pose")

    def measure(self, ctx: Context) -> CheckResult:
        r = ctx.rules.pose
        p = ctx.pose
        f = ctx.face
        measured = {"yaw": round(p.yaw_deg, 1), "pitch": round(p.pitch_deg, 1), "confidence": round(p.confidence, 2)}
        limit = {"warn": r.warn_deg, "yaw": r.fail_yaw_deg, "pitch": r.fail_pitch_deg, "confidence": r.fail_confidence}
        yaw_bad, pitch_bad = abs(p.yaw_deg) > r.fail_yaw_deg, abs(p.pitch_deg) > r.fail_pitch_deg
        status = _verdict(yaw_bad or pitch_bad, max(abs(p.yaw_deg), abs(p.pitch_deg)) > r.warn_deg,
                          p.confidence, r.fail_confidence)
        fw = f.face_right_x - f.face_left_x
        tip = (f.nose[0] + fw * math.sin(math.radians(p.yaw_deg)), f.nose[1] - fw * math.sin(math.radians(p.pitch_deg)))
        over = [Shape.rect(*f.box, role=FACE), Shape.line(f.nose, tip)]
        if status is Status.PASS:
            yaw, pitch = _signed_degrees(p.yaw_deg), _signed_degrees(p.pitch_deg)
            return self.result(status, measured, limit,
                               _t(f"正对镜头（左右 {yaw}°，上下 {pitch}°）", f"facing the camera (yaw {yaw}°, pitch {pitch}°)"),
                               shapes=over)
        parts = []
        if abs(p.yaw_deg) > r.warn_deg:
            side = _t("右", "right") if p.yaw_deg > 0 else _t("左", "left")
            yaw, _ = beside(abs(p.yaw_deg), r.warn_deg, r.fail_yaw_deg)     # never rounded onto a limit
            parts.append(_t(f"脸向画面{side.zh}侧转了 {yaw}°", f"the face is turned {yaw}° toward the picture's {side.en}"))
        if abs(p.pitch_deg) > r.warn_deg:
            way = _t("抬头", "raised") if p.pitch_deg > 0 else _t("低头", "lowered")
            pitch, _ = beside(abs(p.pitch_deg), r.warn_deg, r.fail_pitch_deg)
            parts.append(_t(f"{way.zh} {pitch}°", f"the head is {way.en} {pitch}°"))
        msg = Text("，".join(x.zh for x in parts), "; ".join(x.en for x in parts))
        if status is Status.FAIL:
            y_, p_ = limit_text(r.fail_yaw_deg), limit_text(r.fail_pitch_deg)
            msg = msg + _t(f"（允许 ±{y_}° / ±{p_}°）", f" (±{y_}° / ±{p_}° allowed)")
        elif _unsure(status, yaw_bad or pitch_bad):
            msg = msg + UNSURE
        else:
            w_ = limit_text(r.warn_deg)
            msg = msg + _t(f"（标准建议 ±{w_}° 以内）", f" (the standard advises within ±{w_}°)")
        return self.advise(status, measured, limit, msg, self.box(ctx), over)


@register
class EyesCheck(PersonCheck):
    id = "eyes"
    title = _t("眼睛睁开", "Eyes open")
    retake = _t("请自然睁大双眼、直视镜头，重新拍摄（不要眯眼或眨眼）",
                "retake with both eyes naturally wide open, looking at the camera (no squinting or blinking)")

    def measure(self, ctx: Context) -> CheckResult:
        r = ctx.rules.eyes
        left, right = ctx.eyes
        worst = min(left.openness, right.openness)
        conf = _trust(ctx, min(left.width, right.width), r.sure_eye_px)
        lenses = ctx.lenses
        hidden = lenses is not None and lenses.eye_contrast < ctx.rules.glasses.max_eye_contrast
        if hidden:  # behind dark lenses the lids cannot be seen: that is the glasses check's failure
            conf = min(conf, r.fail_confidence * 0.5)
        measured = {"openness": [round(left.openness, 3), round(right.openness, 3)], "confidence": round(conf, 2)}
        limit = {"warn": r.warn_openness, "fail": r.fail_openness, "confidence": r.fail_confidence}
        bad = worst < r.fail_openness
        status = _verdict(bad, worst < r.warn_openness, conf, r.fail_confidence)
        over = [Shape.polygon(e.contour) for e in (left, right)]
        region = ctx.to_original(_union(left.box, right.box))
        if status is Status.PASS:
            return self.result(status, measured, limit, _t(f"双眼睁开（{worst:.2f}）", f"both eyes open ({worst:.2f})"),
                               shapes=over)
        one = (left.openness < r.warn_openness) != (right.openness < r.warn_openness)
        what = _t("一只眼睛", "one eye") if one else _t("双眼", "the eyes")
        state = _t("闭上或半闭", "closed or half closed") if bad else _t("眯着", "narrowed")
        v, (need,) = beside(worst, r.fail_openness, digits=2)
        msg = _t(f"{what.zh}{state.zh}（睁开程度 {v}，至少 {need}）",
                 f"{what.en} {'is' if one else 'are'} {state.en} (openness {v}, need {need})")
        if hidden:
            msg = _t("镜片太暗，看不清眼睛", "the lenses are too dark to see the eyes")
        elif _unsure(status, bad):
            msg = msg + UNSURE
        return self.advise(status, measured, limit, msg, region, over)


@register
class ExpressionCheck(PersonCheck):
    id = "expression"
    title = _t("表情自然、闭嘴", "Neutral expression, mouth closed")
    retake = _t("请闭上嘴、表情自然（可微笑但不露齿），重新拍摄",
                "retake with the mouth closed and a neutral expression (a smile without teeth is fine)")

    def measure(self, ctx: Context) -> CheckResult:
        r = ctx.rules.expression
        m = ctx.mouth
        shown = m.teeth + m.cavity
        confirmed = shown >= r.teeth_fraction
        # The lip gap alone could be a landmark slip (a hand over the mouth, a moustache):
        # it counts fully only when teeth or a dark open mouth show between the lips.
        conf = _trust(ctx, m.width, r.sure_mouth_px) * (1.0 if confirmed else 0.5)
        measured = {"opening": round(m.opening, 3), "teeth": round(m.teeth, 3), "dark": round(m.cavity, 3),
                    "confidence": round(conf, 2)}
        limit = {"warn": r.warn_opening, "fail": r.fail_opening, "teeth": r.teeth_fraction, "confidence": r.fail_confidence}
        bad = m.opening > r.fail_opening
        status = _verdict(bad, m.opening > r.warn_opening, conf, r.fail_confidence)
        over = [Shape.polygon(m.outer), Shape.polygon(m.inner, role=FACE)]
        if status is Status.PASS:
            return self.result(status, measured, limit, _t("嘴巴闭合", "mouth closed"), shapes=over)
        x0, y0 = m.outer.min(0)
        x1, y1 = m.outer.max(0)
        region = ctx.to_original((float(x0), float(y0), float(x1 - x0), float(y1 - y0)))
        teeth = m.teeth >= r.teeth_fraction
        what = _t("嘴巴张开、露出牙齿", "the mouth is open, teeth showing") if teeth else _t("嘴巴张开", "the mouth is open")
        v, (most,) = beside(m.opening, r.fail_opening, digits=2)
        msg = what + _t(f"（张开程度 {v}，至多 {most}）", f" (opening {v}, at most {most})")
        if _unsure(status, bad):
            msg = msg + UNSURE
        elif status is Status.WARN:
            msg = _t(f"嘴唇微张（{m.opening:.2f}）", f"the lips are slightly apart ({m.opening:.2f})")
        return self.advise(status, measured, limit, msg, region, over)


@register
class GlassesCheck(PersonCheck):
    id = "glasses"
    title = _t("无墨镜", "No dark lenses")
    retake = _t("请摘下墨镜或有色眼镜重拍；近视眼镜须为无色透明镜片",
                "take off sunglasses or tinted glasses and retake; prescription glasses need clear lenses")

    def measure(self, ctx: Context) -> CheckResult:
        r = ctx.rules.glasses
        lens = ctx.lenses
        if lens is None:
            return self.result(Status.WARN, None, r.max_eye_contrast, _t("眼部太小，无法判断镜片", "the eyes are too small to judge lenses"),
                               _t("如戴眼镜，请确认镜片无色透明", "if you wear glasses, make sure the lenses are clear"))
        left, right = ctx.eyes
        conf = _trust(ctx, min(left.width, right.width), r.sure_eye_px)
        measured = {"eye_contrast": round(lens.eye_contrast, 3), "under_eye_darkness": round(lens.under_darkness, 3),
                    "tint": round(lens.tint, 1), "confidence": round(conf, 2)}
        limit = {"eye_contrast": r.max_eye_contrast, "under_eye_darkness": r.min_under_darkness,
                 "warn_eye_contrast": r.warn_eye_contrast, "confidence": r.fail_confidence}
        bad = lens.eye_contrast < r.max_eye_contrast and lens.under_darkness >= r.min_under_darkness
        status = _verdict(bad, lens.eye_contrast < r.warn_eye_contrast and lens.under_darkness >= r.min_under_darkness,
                          conf, r.fail_confidence)
        over = [Shape.rect(*b) for b in lens.boxes]
        if status is Status.PASS:
            return self.result(status, measured, limit, _t("看得清眼睛（无墨镜或有色镜片）", "the eyes show clearly (no dark or tinted lenses)"),
                               shapes=[Shape.rect(*b, role=FACE) for b in lens.boxes])
        v, (need,) = beside(lens.eye_contrast, r.max_eye_contrast, digits=2)
        msg = _t(f"戴着墨镜或有色镜片，看不清眼睛（眼部对比 {v}，至少 {need}）",
                 f"dark or tinted lenses hide the eyes (eye contrast {v}, need {need})")
        if status is Status.WARN:
            msg = (msg + UNSURE) if bad else _t("镜片可能有颜色，眼睛不够清楚", "the lenses may be tinted; the eyes are not clear")
        return self.advise(status, measured, limit, msg, ctx.to_original(_union(*lens.boxes)), over)


@register
class HeadCoveringCheck(PersonCheck):
    id = "head_covering"
    title = _t("免冠", "No head covering")

    def measure(self, ctx: Context) -> CheckResult:
        from ..vision.person import measure_crown, measure_forehead

        r = ctx.rules.head_covering
        # The cheeks are the skin reference, unless a mask covers them.
        masked = ctx.cover.fraction > ctx.rules.occlusion.fail_covered
        skin = ctx.skin_lab if masked else ctx.cheek_lab
        person = ctx.person_not_white
        common = dict(ab_delta=ctx.rules.occlusion.ab_delta, hair_delta=r.hair_delta, sure_px=r.sure_face_px)
        fh = measure_forehead(ctx.lab, person, ctx.face, skin, **common) if skin is not None else None
        if fh is None:
            return self.result(Status.WARN, None, r.fail_covered, _t("额头太小，无法判断是否戴帽", "the forehead is too small to judge"),
                               _t("请确认没有戴帽子、头巾或发带", "make sure you wear no hat, scarf or headband"))
        top = measure_crown(ctx.lab, person, ctx.face, skin, height=r.crown_height,
                            min_chroma=r.hair_min_chroma, max_chroma=r.hair_max_chroma,
                            hue_range=(r.hair_hue_min, r.hair_hue_max), odd_share=r.odd_share, **common)
        measured = {"covered": round(fh.covered, 3), "like_hair": fh.like_hair, "confidence": round(fh.confidence, 2)}
        limit = {"warn": r.warn_covered, "fail": r.fail_covered, "confidence": r.fail_confidence,
                 "warn_crown": r.warn_crown, "fail_crown": r.fail_crown, "cap_forehead": r.cap_forehead,
                 "religious_allowed": r.religious_allowed}
        bad = fh.covered > r.fail_covered
        status = _verdict(bad, fh.covered > r.warn_covered, fh.confidence, r.fail_confidence)
        crown_bad = pulled_down = False
        if top is not None:
            crown_bad = top.covered > r.fail_crown
            # a cap pulled down onto the forehead: both bands covered, neither in the colour of
            # the hair seen beside the face (a fringe matches it in one band at least)
            pulled_down = (crown_bad and fh.covered >= r.cap_forehead and fh.hair_seen
                           and not fh.like_hair and not top.like_hair)
            crown_conf = fh.confidence if pulled_down else top.confidence
            measured.update(crown=round(top.covered, 3), crown_odd=round(top.odd, 3), crown_like_hair=top.like_hair,
                            crown_confidence=round(crown_conf, 2), cap_pulled_down=pulled_down)
            status = max(status, _verdict(crown_bad, top.covered > r.warn_crown, crown_conf, r.fail_confidence),
                         key=_SEVERITY.index)
        box = fh.box if top is None else _union(fh.box, top.box)
        if status is Status.PASS:
            return self.result(status, measured, limit, _t("额头露出，未见帽子或头巾", "the forehead shows; no hat or scarf seen"),
                               shapes=[Shape.rect(*box, role=FACE)])
        note = Text(r.religious_note_zh, r.religious_note_en)
        sure = status is Status.FAIL
        if sure and r.religious_allowed:
            status = Status.WARN
        if bad or not crown_bad:
            msg = _t(f"额头被遮住 {fh.covered:.0%}：可能戴着帽子、头巾或发带", f"{fh.covered:.0%} of the forehead is covered: possibly a hat, scarf or headband")
            if not bad:
                msg = _t(f"额头被遮住 {fh.covered:.0%}（帽子、头巾、发带或头发）", f"{fh.covered:.0%} of the forehead is covered (a hat, scarf, headband or hair)")
        elif pulled_down and sure:
            msg = _t(f"头顶被遮住，额头也被遮住 {fh.covered:.0%}，颜色与两侧头发不同：像是压低的帽子或帽檐",
                     f"the top of the head is covered and {fh.covered:.0%} of the forehead too, in a colour unlike the hair "
                     "beside the face: it looks like a cap or brim pulled down")
        else:
            msg = _t("额头上方的头顶被遮住：可能戴着帽子、头巾或发带", "the head above the forehead is covered: possibly a hat, cap or scarf")
            if not sure:
                msg = _t("额头上方的头顶被遮住（帽子、头巾或头发）", "the head above the forehead is covered (a hat, cap, scarf or hair)") + UNSURE
        hint = _t("请摘下帽子、头巾、发带重拍（免冠）；如是头发，请确认额头和眉毛露出",
                  "take off any hat, scarf or headband and retake; if it is hair, make sure the forehead and brows show")
        if r.religious_allowed and note.zh:
            hint = hint + _t("。" + note.zh, ". " + note.en)
        return self.result(status, measured, limit, msg, hint, ctx.to_original(box), [Shape.rect(*box)])


_SEVERITY = [Status.PASS, Status.WARN, Status.FAIL]


@register
class OcclusionCheck(PersonCheck):
    id = "occlusion"
    title = _t("面部无遮挡", "Face not covered")
    retake = _t("请摘下口罩，移开手和其他物品，露出完整面部重拍",
                "take off the mask, move hands and objects away, and retake with the whole face showing")

    def measure(self, ctx: Context) -> CheckResult:
        """Three measures, the worst verdict wins: the nose and mouth not showing skin
        (a mask), any of the face in a hue no skin has (painted or gloved hands, a
        coloured object), and a hand over the mouth (the hand model's presence score,
        run only where the lips do not show; see ``vision.person.measure_cover``)."""
        from ..vision.person import face_width

        r = ctx.rules.occlusion
        c = ctx.cover
        conf = _trust(ctx, face_width(ctx.face), r.sure_face_px)
        measured = {"covered": round(c.fraction, 3), "off_hue": round(c.off_hue, 3),
                    "hand": None if c.hand is None else round(c.hand, 3), "confidence": round(conf, 2)}
        limit = {"warn": r.warn_covered, "fail": r.fail_covered, "warn_off_hue": r.warn_off_hue,
                 "fail_off_hue": r.fail_off_hue, "warn_hand": r.warn_hand, "fail_hand": r.fail_hand,
                 "confidence": r.fail_confidence}
        hand = c.hand or 0.0
        # (status, beyond the fail limit, message, region) of each measure that is not passed
        found = []
        for value, warn, fail, msg, region in (
                (c.fraction, r.warn_covered, r.fail_covered,
                 _t(f"口鼻部位有 {c.fraction:.0%} 被遮住（口罩、手、围巾或其他物品）",
                    f"{c.fraction:.0%} of the nose and mouth is covered (a mask, hand, scarf or other object)"), c.region),
                (c.off_hue, r.warn_off_hue, r.fail_off_hue,
                 _t(f"脸上有 {c.off_hue:.0%} 的部位是皮肤不会有的颜色：可能被手、手套或其他物品遮挡",
                    f"{c.off_hue:.0%} of the face has a colour skin never has: possibly a hand, glove or object over it"),
                 c.off_region),
                (hand, r.warn_hand, r.fail_hand,
                 _t("嘴部可能被手遮住", "a hand may be covering the mouth"), c.hand_box)):
            st = _verdict(value > fail, value > warn, conf, r.fail_confidence)
            if st is not Status.PASS:
                found.append((st, value > fail, msg, region))
        if not found:
            return self.result(Status.PASS, measured, limit, _t("面部无遮挡", "the face is not covered"))
        found.sort(key=lambda f: _SEVERITY.index(f[0]), reverse=True)
        status, bad, msg, region = found[0]
        if _unsure(status, bad):
            msg = msg + UNSURE
        shapes = [Shape.rect(*f[3]) for f in found if f[3]]
        return self.advise(status, measured, limit, msg, ctx.to_original(region) if region else self.box(ctx), shapes)


@register
class AccessoriesCheck(PersonCheck):
    id = "accessories"
    title = _t("不佩戴饰物", "No jewellery")

    def measure(self, ctx: Context) -> CheckResult:
        """Warn only: earrings are small and found less surely than the other defects."""
        from ..vision.person import measure_shine

        r = ctx.rules.accessories
        skin = ctx.cheek_lab
        if skin is None:
            return self.result(Status.PASS, None, r.warn_fraction, _t("无法判断饰物", "cannot judge jewellery"))
        person = ctx.person_not_white
        sh = measure_shine(ctx.lab, person, ctx.face, skin)
        measured = round(sh.fraction, 4)
        if sh.fraction > r.warn_fraction:
            return self.result(Status.WARN, measured, r.warn_fraction,
                               _t("耳边可能戴着耳环或其他饰物", "there may be earrings or other jewellery by the ears"),
                               _t("请摘下耳环、项链、发饰等饰物（不佩戴饰物）", "take off earrings, necklaces and hair ornaments"),
                               ctx.to_original(_union(*sh.boxes)), [Shape.rect(*b) for b in sh.boxes])
        return self.result(Status.PASS, measured, r.warn_fraction, _t("未见饰物", "no jewellery seen"))


def _union(*boxes: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    b = np.array(boxes, np.float64)
    x0, y0 = b[:, 0].min(), b[:, 1].min()
    x1, y1 = (b[:, 0] + b[:, 2]).max(), (b[:, 1] + b[:, 3]).max()
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)
